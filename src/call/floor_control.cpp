// TS 24.380 8.2: floor control messages in RTCP APP, and a one-talker arbitrator.
#include "call/floor_control.h"

#include <algorithm>

namespace kb::call {
namespace {

constexpr uint8_t kName[4] = {'M', 'C', 'P', 'T'};

void PutField(ByteWriter& w, uint8_t id, ByteView value) {
  w.U8(id);
  w.U8(static_cast<uint8_t>(value.size()));
  w.Append(value);
  size_t used = 2 + value.size();
  for (size_t i = used; i % 4 != 0; ++i) w.U8(0);
}

Bytes U16Bytes(uint16_t v) { return {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)}; }

}  // namespace

Bytes FloorMessage::Encode() const {
  ByteWriter body;
  if (priority) PutField(body, kFieldFloorPriority, Bytes{*priority, 0});
  if (duration_seconds) PutField(body, kFieldDuration, U16Bytes(*duration_seconds));
  if (reject_cause) {
    Bytes v = U16Bytes(*reject_cause);
    std::string_view phrase = std::string_view(reject_phrase).substr(0, 253);
    v.insert(v.end(), phrase.begin(), phrase.end());
    PutField(body, kFieldRejectCause, v);
  }
  if (!granted_party_identity.empty()) {
    PutField(body, kFieldGrantedPartyIdentity,
             ToBytes(std::string_view(granted_party_identity).substr(0, 255)));
  }
  if (!user_id.empty())
    PutField(body, kFieldUserId, ToBytes(std::string_view(user_id).substr(0, 255)));
  Bytes data = std::move(body).Take();
  ByteWriter w;
  uint8_t subtype = static_cast<uint8_t>(static_cast<uint8_t>(type) | (ack_required ? 0x10 : 0));
  w.U8(static_cast<uint8_t>(0x80 | subtype));  // V=2, P=0
  w.U8(kRtcpApp);
  w.U16(static_cast<uint16_t>((12 + data.size()) / 4 - 1));
  w.U32(ssrc);
  w.Append(ByteView(kName, 4));
  w.Append(data);
  return std::move(w).Take();
}

Result<FloorMessage> FloorMessage::Decode(ByteView packet) {
  ByteReader r(packet);
  KB_TRY(uint8_t first, r.U8("floor control V/P/subtype"));
  if ((first >> 6) != 2)
    return Fail(Error::Malformed("floor control at offset 0: RTCP version not 2"));
  if (first & 0x20)
    return Fail(Error::Malformed("floor control at offset 0: padding not supported"));
  KB_TRY(uint8_t pt, r.U8("floor control PT"));
  if (pt != kRtcpApp)
    return Fail(Error::Malformed("floor control at offset 1: PT is not APP (204)"));
  KB_TRY(uint16_t length, r.U16("floor control length"));
  if ((static_cast<size_t>(length) + 1) * 4 != packet.size()) {
    return Fail(Error::Malformed("floor control at offset 2: length " + std::to_string(length) +
                                 " does not match the " + std::to_string(packet.size()) +
                                 " octets"));
  }
  FloorMessage m;
  KB_TRY(m.ssrc, r.U32("floor control SSRC"));
  KB_TRY(auto name, r.Take(4, "floor control name"));
  if (!std::equal(name.begin(), name.end(), kName)) {
    return Fail(Error::Malformed("floor control at offset 8: name is not MCPT"));
  }
  uint8_t subtype = first & 0x1f;
  m.ack_required = (subtype & 0x10) != 0;
  uint8_t type = subtype & 0x0f;
  if (type > static_cast<uint8_t>(FloorMessageType::kIdle)) {
    return Fail(Error::Unsupported("floor control at offset 0: message type " +
                                   std::to_string(type) + " not handled"));
  }
  m.type = static_cast<FloorMessageType>(type);
  while (!r.empty()) {
    size_t offset = r.offset();
    KB_TRY(uint8_t id, r.U8("floor control field ID"));
    KB_TRY(uint8_t len, r.U8("floor control field length"));
    KB_TRY(auto value, r.Take(len, "floor control field " + std::to_string(id) + " at offset " +
                                       std::to_string(offset)));
    size_t pad = (4 - (2 + len) % 4) % 4;
    KB_TRY(auto padding, r.Take(pad, "floor control field padding"));
    (void)padding;
    auto need = [&](size_t n) -> Status {
      if (value.size() < n) {
        return Fail(Error::Malformed("floor control field " + std::to_string(id) + " at offset " +
                                     std::to_string(offset) + ": value shorter than " +
                                     std::to_string(n)));
      }
      return Ok();
    };
    switch (id) {
      case kFieldFloorPriority:
        KB_CHECK(need(2));
        m.priority = value[0];
        break;
      case kFieldDuration:
        KB_CHECK(need(2));
        m.duration_seconds = static_cast<uint16_t>(value[0] << 8 | value[1]);
        break;
      case kFieldRejectCause:
        KB_CHECK(need(2));
        m.reject_cause = static_cast<uint16_t>(value[0] << 8 | value[1]);
        m.reject_phrase = std::string(AsString(value.subspan(2)));
        break;
      case kFieldGrantedPartyIdentity:
        m.granted_party_identity = std::string(AsString(value));
        break;
      case kFieldUserId:
        m.user_id = std::string(AsString(value));
        break;
      default:
        break;  // other fields are skipped
    }
  }
  return m;
}

std::optional<FloorMessage> FloorArbitrator::Handle(const FloorMessage& in) {
  FloorMessage out;
  out.ssrc = ssrc_;
  switch (in.type) {
    case FloorMessageType::kRequest:
      if (!holder_ || *holder_ == in.user_id) {
        holder_ = in.user_id;
        out.type = FloorMessageType::kGranted;
        out.duration_seconds = grant_seconds_;
        out.priority = in.priority.value_or(0);
      } else {
        out.type = FloorMessageType::kDeny;
        out.reject_cause = kRejectAnotherUserHasPermission;
        out.reject_phrase = "floor taken by " + *holder_;
      }
      return out;
    case FloorMessageType::kRelease:
      if (!holder_ || *holder_ != in.user_id) return std::nullopt;
      holder_.reset();
      out.type = FloorMessageType::kIdle;
      return out;
    default:
      return std::nullopt;
  }
}

}  // namespace kb::call
