// TS 23.283 clause 10.12 LMR security transport on SIP (TS 29.379 clause 14 style): the body of
// the SIP MESSAGE that carries a non-3GPP security message, in either carrier:
//  - interworking-data carrier: multipart/mixed of application/vnd.3gpp.mcptt-info+xml
//    (mcptt-Params: mcptt-request-uri = target, mcptt-calling-user-id = sender; TS 24.379
//    F.1) and application/vnd.3gpp.interworking-data (src/mc, docs/interworking-data.md);
//  - MCData SDS carrier (seed 002): multipart/mixed of application/vnd.3gpp.mcdata-info+xml
//    (mcdata-Params: request-type one-to-one-sds, mcdata-request-uri, mcdata-calling-user-id;
//    TS 24.282 F.1), application/vnd.3gpp.mcdata-signalling and application/vnd.3gpp.mcdata-payload
//    (TS 24.282 clause 15, src/mc/sds_message.h).
// The body layout is documented in docs/interworking-data.md, "The SIP MESSAGE body".
#pragma once

#include <span>
#include <string>
#include <variant>
#include <vector>

#include "mc/lmr_security_message.h"
#include "mc/sds_message.h"
#include "net/sip_multipart.h"

namespace kb::mc_endpoint {

inline constexpr const char* kMcpttInfoMime = "application/vnd.3gpp.mcptt-info+xml";
inline constexpr const char* kMcdataInfoMime = "application/vnd.3gpp.mcdata-info+xml";

// The largest XML part a parser accepts (the identities are at most 2048 octets each).
inline constexpr size_t kMaxInfoXml = 8192;

// Which body form a message travels in.
enum class Carrier {
  kInterworkingData,  // mcptt-info+xml + interworking-data (TS 29.379 clause 14 style)
  kSds,               // mcdata-info+xml + mcdata-signalling + mcdata-payload (seed 002)
};
const char* CarrierName(Carrier c);  // "interworking-data" / "sds"

// Who a message is for and from, as the info XML names them.
struct InfoAddressing {
  std::string request_uri;      // the target (mcptt-request-uri / mcdata-request-uri)
  std::string calling_user_id;  // the sender (mcptt-calling-user-id / mcdata-calling-user-id)
  bool operator==(const InfoAddressing&) const = default;
};

// ---- interworking-data carrier ----

// The body parts of a MESSAGE carrying `message` from `addressing.calling_user_id` to
// `addressing.request_uri`. Errors: an empty or over-long identity, a message the container
// codec refuses (named).
Result<std::vector<net::BodyPart>> BuildSecurityMessageBody(const InfoAddressing& addressing,
                                                            const mc::InterworkingMessage& message);

struct SecurityMessageBody {
  InfoAddressing addressing;
  mc::InterworkingMessage message;
};

// Parses the parts of a MESSAGE body in the interworking-data carrier. Errors say which part or
// element was missing or wrong (no mcptt-info part, XML does not parse, no mcptt-request-uri,
// container errors with their offsets).
Result<SecurityMessageBody> ParseSecurityMessageBody(std::span<const net::BodyPart> parts);

// ---- MCData SDS carrier ----

// An LMR security message in an MCData standalone SDS: the KMM (or the empty acknowledgement)
// as one BINARY payload, routed to the LMR security layer by the extended application ID
// urn:keybridge:lmr-security:<p25|tetra>. A 10.12 response is an SDS whose in_reply_to names the
// request's message ID and whose payload is empty.
struct SdsSecurityMessage {
  InfoAddressing addressing;
  mc::LmrType lmr_type = mc::LmrType::kP25;
  Bytes payload;                             // empty for a response
  mc::MessageId message_id{};                // SDS message ID (= keybridge message ID)
  std::optional<mc::MessageId> in_reply_to;  // set on a response
  mc::Uuid conversation_id{};                // zero = a new conversation
  uint64_t date_time = 0;                    // 40-bit UTC seconds; 0 = now when built
  bool operator==(const SdsSecurityMessage&) const = default;
};

Result<std::vector<net::BodyPart>> BuildSdsMessageBody(const SdsSecurityMessage& message);
// Errors: a missing part, an SDS that is not LMR security traffic (no or foreign extended
// application ID), a payload count other than one, a content type other than BINARY.
Result<SdsSecurityMessage> ParseSdsMessageBody(std::span<const net::BodyPart> parts);

// ---- either carrier ----

// The carrier of a body: SDS when an mcdata-info part is present, else interworking-data.
Carrier DetectCarrier(std::span<const net::BodyPart> parts);

// A decoded MESSAGE body of either carrier.
using DecodedBody = std::variant<SecurityMessageBody, SdsSecurityMessage>;
Result<DecodedBody> ParseMessageBody(std::span<const net::BodyPart> parts);

// The keybridge message ID of a decoded body (container IE 0xF0, or the SDS message ID).
std::optional<mc::MessageId> MessageIdOf(const DecodedBody& body);
// "request" / "response" / "short-message" / "sds-request" / "sds-response", for logs.
const char* MessageKindName(const DecodedBody& body);
// Length of the opaque payload (0 for responses), for logs.
size_t PayloadLength(const DecodedBody& body);

// Serialises an info XML part (exposed for tests and the server's checks).
std::string McpttInfoXml(const InfoAddressing& a);
std::string McdataInfoXml(const InfoAddressing& a);
// Parses either info XML (root mcpttinfo or mcdatainfo). Errors name the missing element.
Result<InfoAddressing> ParseInfoXml(ByteView xml);

}  // namespace kb::mc_endpoint
