// TS 23.283 clause 10.12 "LMR security transport": the non-3GPP security message request and
// response (10.12.1.1, 10.12.1.2), and the seed form "IWF short message" (MC ID, LMR type,
// payload), encoded in the application/vnd.3gpp.interworking-data container that
// docs/interworking-data.md defines (3GPP leaves that layout open).
//
// The payload is opaque: nothing here or in the MC service server reads it.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <variant>

#include "core/bytes.h"

namespace kb::mc {

// MIME type of the container (IANA-registered; TS 29.379 clause 14).
inline constexpr const char* kInterworkingDataMime = "application/vnd.3gpp.interworking-data";

// The largest container the codec accepts or produces (a 2-octet IE length bounds the payload).
inline constexpr size_t kMaxInterworkingData = 65536 + 1024;

// LMR technology of the payload (TS 23.283 10.12.1.1 "LMR type").
enum class LmrType : uint8_t {
  kP25 = 0x01,
  kTetra = 0x02,
};
const char* LmrTypeName(LmrType t);
Result<LmrType> ParseLmrTypeName(std::string_view name);

// Message type octet of the container.
enum class InterworkingMessageType : uint8_t {
  kSecurityMessageRequest = 0x01,   // non-3GPP security message request
  kSecurityMessageResponse = 0x02,  // non-3GPP security message response
  kIwfShortMessage = 0x03,          // the seed's IWF short message (pre-publication form)
};

// Information element identifiers (TLV-E: IEI 1 octet, length 2 octets, value).
enum class InterworkingIei : uint8_t {
  kMcServiceId = 0x01,
  kLmrSecurityFeUri = 0x02,
  kLmrType = 0x03,
  kPayload = 0x04,
  // keybridge extension (0xF0-0xFE, skipped by receivers that do not know it): a 16-octet
  // message identifier the relays use to deliver each message once and in order.
  kKeybridgeMessageId = 0xF0,
};

using MessageId = std::array<uint8_t, 16>;

// 10.12.1.1. lmr_type is required when the message travels toward the MC service client.
struct SecurityMessageRequest {
  std::string mc_service_id;
  std::string lmr_security_fe_uri;
  std::optional<LmrType> lmr_type;
  Bytes payload;
  std::optional<MessageId> message_id;  // keybridge extension
  bool operator==(const SecurityMessageRequest&) const = default;
};

// 10.12.1.2: a bare acknowledgement.
struct SecurityMessageResponse {
  std::string mc_service_id;
  std::string lmr_security_fe_uri;
  std::optional<MessageId> message_id;  // keybridge extension: the request acknowledged
  bool operator==(const SecurityMessageResponse&) const = default;
};

// The seed form (seed 000): MC ID, LMR type, payload.
struct IwfShortMessage {
  std::string mc_id;
  LmrType lmr_type = LmrType::kP25;
  Bytes payload;
  std::optional<MessageId> message_id;  // keybridge extension
  bool operator==(const IwfShortMessage&) const = default;
};

using InterworkingMessage =
    std::variant<SecurityMessageRequest, SecurityMessageResponse, IwfShortMessage>;

Result<Bytes> EncodeInterworkingData(const InterworkingMessage& message);
Result<InterworkingMessage> DecodeInterworkingData(ByteView data);

// The seed form read as the published request: the URI of the LMR security functional entity
// comes from the user's profile (or configuration), since the seed form does not carry it.
SecurityMessageRequest ToRequest(const IwfShortMessage& m, std::string lmr_security_fe_uri);

// Whether a request may be sent toward an MC service client (LMR type present).
Status CheckTowardClient(const SecurityMessageRequest& request);

}  // namespace kb::mc
