// TS 23.283 clause 10.12: the non-3GPP security message request/response and the seed IWF short
// message in the interworking-data container (layout: docs/interworking-data.md).
#include "mc/lmr_security_message.h"

#include <fmt/format.h>

#include <algorithm>

namespace kb::mc {
namespace {

constexpr size_t kMaxUri = 2048;

void PutIe(ByteWriter& w, InterworkingIei iei, ByteView value) {
  w.U8(static_cast<uint8_t>(iei)).U16(static_cast<uint16_t>(value.size())).Append(value);
}

Status CheckUri(std::string_view what, const std::string& uri) {
  if (uri.empty()) return Fail(Error::InvalidArgument(fmt::format("{} is empty", what)));
  if (uri.size() > kMaxUri) {
    return Fail(Error::InvalidArgument(fmt::format("{} longer than {} octets", what, kMaxUri)));
  }
  return Ok();
}

Status CheckPayload(const Bytes& payload) {
  if (payload.empty()) return Fail(Error::InvalidArgument("Payload is empty"));
  if (payload.size() > 0xffff) {
    return Fail(
        Error::InvalidArgument(fmt::format("Payload of {} octets exceeds 65535", payload.size())));
  }
  return Ok();
}

struct Ies {
  std::optional<std::string> mc_service_id;
  std::optional<std::string> uri;
  std::optional<LmrType> lmr_type;
  std::optional<Bytes> payload;
  std::optional<MessageId> message_id;
};

Result<LmrType> DecodeLmrType(ByteReader& r) {
  KB_TRY(uint8_t v, r.U8("LMR type"));
  if (v != static_cast<uint8_t>(LmrType::kP25) && v != static_cast<uint8_t>(LmrType::kTetra)) {
    return Fail(Error::Unsupported(
        fmt::format("LMR type at offset {}: unknown value 0x{:02x}", r.offset() - 1, v)));
  }
  return static_cast<LmrType>(v);
}

Result<Ies> DecodeIes(ByteReader& r) {
  Ies ies;
  int last_iei = -1;
  while (!r.empty()) {
    size_t at = r.offset();
    KB_TRY(uint8_t iei, r.U8("IEI"));
    KB_TRY(ByteReader value, r.U16Prefixed("IE length"));
    if (iei <= last_iei) {
      return Fail(Error::Malformed(
          fmt::format("IE 0x{:02x} at offset {}: out of order or repeated", iei, at)));
    }
    last_iei = iei;
    switch (static_cast<InterworkingIei>(iei)) {
      case InterworkingIei::kMcServiceId:
      case InterworkingIei::kLmrSecurityFeUri: {
        ByteView v = value.Rest();
        if (v.empty() || v.size() > kMaxUri) {
          return Fail(Error::Malformed(
              fmt::format("IE 0x{:02x} at offset {}: URI length {}", iei, at, v.size())));
        }
        std::string s(AsString(v));
        if (std::any_of(s.begin(), s.end(),
                        [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
          return Fail(Error::Malformed(
              fmt::format("IE 0x{:02x} at offset {}: control character in URI", iei, at)));
        }
        (iei == 0x01 ? ies.mc_service_id : ies.uri) = std::move(s);
        break;
      }
      case InterworkingIei::kLmrType: {
        KB_TRY(ies.lmr_type, DecodeLmrType(value));
        KB_CHECK(value.ExpectEnd("LMR type IE"));
        break;
      }
      case InterworkingIei::kPayload: {
        ByteView v = value.Rest();
        if (v.empty()) {
          return Fail(Error::Malformed(fmt::format("Payload IE at offset {}: empty", at)));
        }
        ies.payload = Bytes(v.begin(), v.end());
        break;
      }
      case InterworkingIei::kKeybridgeMessageId: {
        KB_TRY(ByteView v, value.Take(16, "message ID"));
        KB_CHECK(value.ExpectEnd("message ID IE"));
        MessageId id;
        std::copy(v.begin(), v.end(), id.begin());
        ies.message_id = id;
        break;
      }
      default:
        if (iei < 0x80) {
          return Fail(Error::Unsupported(
              fmt::format("IE 0x{:02x} at offset {}: unknown comprehension-required IE", iei, at)));
        }
        break;  // 0x80-0xFF: optional, skipped
    }
  }
  return ies;
}

Error Missing(std::string_view ie, std::string_view message) {
  return Error::Malformed(fmt::format("{}: mandatory IE {} missing", message, ie));
}

}  // namespace

const char* LmrTypeName(LmrType t) {
  switch (t) {
    case LmrType::kP25:
      return "P25";
    case LmrType::kTetra:
      return "TETRA";
  }
  return "unknown";
}

Result<LmrType> ParseLmrTypeName(std::string_view name) {
  std::string upper(name);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (upper == "P25") return LmrType::kP25;
  if (upper == "TETRA") return LmrType::kTetra;
  return Fail(Error::InvalidArgument(fmt::format("unknown LMR type '{}'", name)));
}

Result<Bytes> EncodeInterworkingData(const InterworkingMessage& message) {
  ByteWriter w;
  auto put_id = [&](const std::optional<MessageId>& id) {
    if (id) PutIe(w, InterworkingIei::kKeybridgeMessageId, *id);
  };
  if (const auto* req = std::get_if<SecurityMessageRequest>(&message)) {
    KB_CHECK(CheckUri("MC service ID", req->mc_service_id));
    KB_CHECK(CheckUri("URI of LMR security functional entity", req->lmr_security_fe_uri));
    KB_CHECK(CheckPayload(req->payload));
    w.U8(static_cast<uint8_t>(InterworkingMessageType::kSecurityMessageRequest));
    PutIe(w, InterworkingIei::kMcServiceId, AsBytes(req->mc_service_id));
    PutIe(w, InterworkingIei::kLmrSecurityFeUri, AsBytes(req->lmr_security_fe_uri));
    if (req->lmr_type) {
      uint8_t t = static_cast<uint8_t>(*req->lmr_type);
      PutIe(w, InterworkingIei::kLmrType, ByteView(&t, 1));
    }
    PutIe(w, InterworkingIei::kPayload, req->payload);
    put_id(req->message_id);
  } else if (const auto* rsp = std::get_if<SecurityMessageResponse>(&message)) {
    KB_CHECK(CheckUri("MC service ID", rsp->mc_service_id));
    KB_CHECK(CheckUri("URI of LMR security functional entity", rsp->lmr_security_fe_uri));
    w.U8(static_cast<uint8_t>(InterworkingMessageType::kSecurityMessageResponse));
    PutIe(w, InterworkingIei::kMcServiceId, AsBytes(rsp->mc_service_id));
    PutIe(w, InterworkingIei::kLmrSecurityFeUri, AsBytes(rsp->lmr_security_fe_uri));
    put_id(rsp->message_id);
  } else {
    const auto& sm = std::get<IwfShortMessage>(message);
    KB_CHECK(CheckUri("MC ID", sm.mc_id));
    KB_CHECK(CheckPayload(sm.payload));
    w.U8(static_cast<uint8_t>(InterworkingMessageType::kIwfShortMessage));
    PutIe(w, InterworkingIei::kMcServiceId, AsBytes(sm.mc_id));
    uint8_t t = static_cast<uint8_t>(sm.lmr_type);
    PutIe(w, InterworkingIei::kLmrType, ByteView(&t, 1));
    PutIe(w, InterworkingIei::kPayload, sm.payload);
    put_id(sm.message_id);
  }
  return std::move(w).Take();
}

Result<InterworkingMessage> DecodeInterworkingData(ByteView data) {
  if (data.size() > kMaxInterworkingData) {
    return Fail(Error::Malformed(fmt::format("interworking data of {} octets exceeds {}",
                                             data.size(), kMaxInterworkingData)));
  }
  ByteReader r(data);
  KB_TRY(uint8_t type, r.U8("message type"));
  KB_TRY(Ies ies, DecodeIes(r));
  switch (static_cast<InterworkingMessageType>(type)) {
    case InterworkingMessageType::kSecurityMessageRequest: {
      constexpr std::string_view kName = "non-3GPP security message request";
      if (!ies.mc_service_id) return Fail(Missing("MC service ID", kName));
      if (!ies.uri) return Fail(Missing("URI of LMR security functional entity", kName));
      if (!ies.payload) return Fail(Missing("Payload", kName));
      return SecurityMessageRequest{std::move(*ies.mc_service_id), std::move(*ies.uri),
                                    ies.lmr_type, std::move(*ies.payload), ies.message_id};
    }
    case InterworkingMessageType::kSecurityMessageResponse: {
      constexpr std::string_view kName = "non-3GPP security message response";
      if (!ies.mc_service_id) return Fail(Missing("MC service ID", kName));
      if (!ies.uri) return Fail(Missing("URI of LMR security functional entity", kName));
      if (ies.payload || ies.lmr_type) {
        return Fail(
            Error::Malformed(fmt::format("{}: carries IEs a response may not carry", kName)));
      }
      return SecurityMessageResponse{std::move(*ies.mc_service_id), std::move(*ies.uri),
                                     ies.message_id};
    }
    case InterworkingMessageType::kIwfShortMessage: {
      constexpr std::string_view kName = "IWF short message";
      if (!ies.mc_service_id) return Fail(Missing("MC ID", kName));
      if (!ies.lmr_type) return Fail(Missing("LMR type", kName));
      if (!ies.payload) return Fail(Missing("Payload", kName));
      if (ies.uri) {
        return Fail(Error::Malformed(fmt::format("{}: carries a URI IE", kName)));
      }
      return IwfShortMessage{std::move(*ies.mc_service_id), *ies.lmr_type, std::move(*ies.payload),
                             ies.message_id};
    }
  }
  return Fail(
      Error::Unsupported(fmt::format("message type at offset 0: unknown value 0x{:02x}", type)));
}

SecurityMessageRequest ToRequest(const IwfShortMessage& m, std::string lmr_security_fe_uri) {
  return SecurityMessageRequest{m.mc_id, std::move(lmr_security_fe_uri), m.lmr_type, m.payload,
                                m.message_id};
}

Status CheckTowardClient(const SecurityMessageRequest& request) {
  if (!request.lmr_type) {
    return Fail(Error::InvalidArgument(
        "non-3GPP security message request toward a client lacks the LMR type (TS 23.283 "
        "10.12.1.1)"));
  }
  return Ok();
}

}  // namespace kb::mc
