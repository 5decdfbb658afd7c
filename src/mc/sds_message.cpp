// TS 24.282 clause 15 MCData SDS signalling and data payloads.
#include "mc/sds_message.h"

#include <fmt/format.h>

#include <algorithm>

namespace kb::mc {
namespace {

constexpr uint8_t kIeiInReplyTo = 0x21;
constexpr uint8_t kIeiApplicationId = 0x22;
constexpr uint8_t kIeiDispositionHigh = 0x80;  // half-octet IEI 0x8-
constexpr uint8_t kIeiExtendedApplicationId = 0x7D;
constexpr uint8_t kIeiUserLocation = 0x7E;
constexpr uint8_t kIeiSenderMcdataUserId = 0x51;
constexpr uint8_t kIeiApplicationMetadata = 0x53;
constexpr uint8_t kIeiPayload = 0x78;
constexpr uint8_t kIeiMetadata = 0x79;
constexpr size_t kMaxSds = 65536 * 4;

constexpr std::string_view kAppIdPrefix = "urn:keybridge:lmr-security:";

void PutTlvE(ByteWriter& w, uint8_t iei, ByteView v) {
  w.U8(iei).U16(static_cast<uint16_t>(v.size())).Append(v);
}

Result<Uuid> ReadUuid(ByteReader& r, std::string_view field) {
  KB_TRY(ByteView v, r.Take(16, field));
  Uuid u;
  std::copy(v.begin(), v.end(), u.begin());
  return u;
}

}  // namespace

Result<Bytes> EncodeSdsSignallingPayload(const SdsSignallingPayload& p) {
  if (p.date_time >= (uint64_t{1} << 40)) {
    return Fail(Error::InvalidArgument("SDS date and time exceeds 40 bits"));
  }
  ByteWriter w(64);
  w.U8(static_cast<uint8_t>(SdsMessageType::kSdsSignallingPayload)).U40(p.date_time);
  w.Append(p.conversation_id).Append(p.message_id);
  if (p.in_reply_to) w.U8(kIeiInReplyTo).Append(*p.in_reply_to);
  if (p.application_id) w.U8(kIeiApplicationId).U8(*p.application_id);
  if (p.disposition)
    w.U8(static_cast<uint8_t>(kIeiDispositionHigh | static_cast<uint8_t>(*p.disposition)));
  for (const auto& [iei, value] : {std::pair{kIeiExtendedApplicationId, &p.extended_application_id},
                                   std::pair{kIeiSenderMcdataUserId, &p.sender_mcdata_user_id}}) {
    if (!*value) continue;
    if ((*value)->size() > 0xffff) {
      return Fail(Error::InvalidArgument(fmt::format("IE 0x{:02x} longer than 65535", iei)));
    }
    PutTlvE(w, iei, AsBytes(**value));
  }
  return std::move(w).Take();
}

Result<SdsSignallingPayload> DecodeSdsSignallingPayload(ByteView data) {
  if (data.size() > kMaxSds) return Fail(Error::Malformed("SDS signalling payload too large"));
  ByteReader r(data);
  KB_TRY(uint8_t type, r.U8("SDS message type"));
  if (type != static_cast<uint8_t>(SdsMessageType::kSdsSignallingPayload)) {
    return Fail(
        r.MalformedAt("SDS message type", fmt::format("expected 0x01, got 0x{:02x}", type)));
  }
  SdsSignallingPayload p;
  KB_TRY(p.date_time, r.U40("date and time"));
  KB_TRY(p.conversation_id, ReadUuid(r, "conversation ID"));
  KB_TRY(p.message_id, ReadUuid(r, "message ID"));
  while (!r.empty()) {
    size_t at = r.offset();
    KB_TRY(uint8_t iei, r.U8("IEI"));
    if ((iei & 0xf0) == kIeiDispositionHigh) {
      uint8_t v = iei & 0x0f;
      if (v > 3)
        return Fail(Error::Malformed(fmt::format("SDS disposition at offset {}: value {}", at, v)));
      p.disposition = static_cast<SdsDispositionRequest>(v);
      continue;
    }
    switch (iei) {
      case kIeiInReplyTo: {
        KB_TRY(p.in_reply_to, ReadUuid(r, "InReplyTo message ID"));
        break;
      }
      case kIeiApplicationId: {
        KB_TRY(p.application_id, r.U8("application ID"));
        break;
      }
      case kIeiExtendedApplicationId:
      case kIeiSenderMcdataUserId: {
        KB_TRY(ByteReader v, r.U16Prefixed("IE length"));
        std::string s(AsString(v.Rest()));
        (iei == kIeiExtendedApplicationId ? p.extended_application_id : p.sender_mcdata_user_id) =
            std::move(s);
        break;
      }
      case kIeiUserLocation:
      case kIeiApplicationMetadata: {
        KB_TRY(ByteReader skipped, r.U16Prefixed("IE length"));
        (void)skipped;  // carried but not used by keybridge
        break;
      }
      default:
        return Fail(Error::Malformed(
            fmt::format("SDS signalling IE at offset {}: unknown IEI 0x{:02x}", at, iei)));
    }
  }
  return p;
}

Result<Bytes> EncodeSdsDataPayload(const SdsDataPayload& p) {
  if (p.payloads.empty() || p.payloads.size() > 255) {
    return Fail(Error::InvalidArgument("DATA PAYLOAD needs 1 to 255 payloads"));
  }
  ByteWriter w;
  w.U8(static_cast<uint8_t>(SdsMessageType::kDataPayload))
      .U8(static_cast<uint8_t>(p.payloads.size()));
  for (const auto& item : p.payloads) {
    if (item.content.size() + 1 > 0xffff) {
      return Fail(Error::InvalidArgument("payload content longer than 65534 octets"));
    }
    w.U8(kIeiPayload).U16(static_cast<uint16_t>(item.content.size() + 1));
    w.U8(static_cast<uint8_t>(item.content_type)).Append(item.content);
  }
  return std::move(w).Take();
}

Result<SdsDataPayload> DecodeSdsDataPayload(ByteView data) {
  if (data.size() > kMaxSds) return Fail(Error::Malformed("SDS data payload too large"));
  ByteReader r(data);
  KB_TRY(uint8_t type, r.U8("SDS message type"));
  if (type != static_cast<uint8_t>(SdsMessageType::kDataPayload)) {
    return Fail(
        r.MalformedAt("SDS message type", fmt::format("expected 0x03, got 0x{:02x}", type)));
  }
  KB_TRY(uint8_t count, r.U8("number of payloads"));
  if (count == 0) return Fail(r.MalformedAt("number of payloads", "zero"));
  SdsDataPayload p;
  for (uint8_t i = 0; i < count; ++i) {
    size_t at = r.offset();
    KB_TRY(uint8_t iei, r.U8("payload IEI"));
    if (iei != kIeiPayload) {
      return Fail(Error::Malformed(
          fmt::format("payload IE at offset {}: IEI 0x{:02x}, expected 0x78", at, iei)));
    }
    KB_TRY(ByteReader v, r.U16Prefixed("payload length"));
    KB_TRY(uint8_t ct, v.U8("payload content type"));
    if (ct < 1 || ct > 6) {
      return Fail(
          Error::Unsupported(fmt::format("payload content type at offset {}: {}", at + 3, ct)));
    }
    ByteView content = v.Rest();
    p.payloads.push_back(
        {static_cast<PayloadContentType>(ct), Bytes(content.begin(), content.end())});
  }
  // An optional metadata IE (0x79) may follow; nothing else.
  if (!r.empty()) {
    KB_TRY(uint8_t iei, r.U8("metadata IEI"));
    if (iei != kIeiMetadata)
      return Fail(r.MalformedAt("metadata IEI", "unexpected IE after the payloads"));
    KB_TRY(ByteReader skipped, r.U16Prefixed("metadata length"));
    (void)skipped;
    KB_CHECK(r.ExpectEnd("DATA PAYLOAD"));
  }
  return p;
}

std::string LmrSecurityApplicationId(LmrType type) {
  std::string name = LmrTypeName(type);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::string(kAppIdPrefix) + name;
}

std::optional<LmrType> LmrTypeOfApplicationId(std::string_view id) {
  if (id.substr(0, kAppIdPrefix.size()) != kAppIdPrefix) return std::nullopt;
  auto t = ParseLmrTypeName(id.substr(kAppIdPrefix.size()));
  if (!t) return std::nullopt;
  return *t;
}

}  // namespace kb::mc
