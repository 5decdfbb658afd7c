// TS 23.283 clause 10.12.2 LMR key management messages, MC service server side: who may send a
// non-3GPP security message to whom (docs/mc-server.md, "Routing and authorisation"). Pure
// logic: the decoded request in, the route or the SIP refusal out.
#pragma once

#include <expected>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "mc_endpoint/security_message_sip.h"
#include "net/sip_multipart.h"

namespace kb::mc_server {

// An LMR security functional entity the server knows from its configuration
// (lmr_security_entities): only these may send toward clients. A kGms (the group management
// server, docs/gms.md) sends only GMK deliveries (application/vnd.keybridge.gmk-delivery),
// to clients and to entities (the IWF is a GMK recipient too); IWFs and KMFs send only
// security messages.
enum class EntityKind { kIwf, kKmf, kGms };
struct LmrSecurityEntity {
  std::string uri;  // e.g. "sip:iwf@example.org"
  EntityKind kind = EntityKind::kIwf;
};
Result<EntityKind> ParseEntityKind(std::string_view s);  // "iwf" / "kmf" / "gms"

enum class Direction {
  kToEntity,  // client (or entity) -> the LMR security FE's registered contacts
  kToClient,  // IWF/KMF -> every registered contact of the target MC service ID
};

struct Route {
  std::string sender;  // canonical AOR of the From
  std::string target;  // canonical AOR of the Request-URI
  Direction direction = Direction::kToEntity;
};

// A refusal: SIP status, a reason phrase that says what was wrong, and the counter it adds to.
struct Refusal {
  int status = 0;
  std::string reason;
  std::string counter;
};

class Router {
 public:
  // known_user: whether an AOR is a configured MC service user (has credentials).
  Router(std::vector<LmrSecurityEntity> entities,
         std::function<bool(std::string_view aor)> known_user, size_t max_payload);

  // Addressing checks, before the body is read: the sender must be registered on the flow the
  // request came from (403 kNotRegisteredReason), a client may send only to an LMR security FE
  // (403), the target must exist (404).
  std::expected<Route, Refusal> CheckAddressing(std::string_view from_uri,
                                                std::string_view request_uri,
                                                bool sender_registered) const;

  // Body checks: the body parses (400, 415 for a foreign SDS application), the info XML names
  // the same target (400) and sender (403), a client's MC service ID is its own (403), a
  // request toward a client names that client and has an LMR type (400), the payload is at most
  // max_payload octets (413).
  std::expected<void, Refusal> CheckBody(const Route& route,
                                         const Result<mc_endpoint::DecodedBody>& body) const;

  bool IsEntity(std::string_view aor) const;
  bool IsGms(std::string_view aor) const;

  // Body check of a GMK delivery from a GMS (docs/mc-server.md "GMS"): exactly one part of
  // type application/vnd.keybridge.gmk-delivery that decodes (400), whose recipient is the
  // Request-URI (400), at most max_payload octets (413). Returns the body octets.
  std::expected<const net::BodyPart*, Refusal> CheckGmkDelivery(
      const Route& route, std::span<const net::BodyPart> parts) const;
  size_t max_payload() const { return max_payload_; }

 private:
  std::vector<LmrSecurityEntity> entities_;  // uri canonicalised
  std::function<bool(std::string_view)> known_user_;
  size_t max_payload_;
};

}  // namespace kb::mc_server
