// TS 23.283 clause 10.12.2: routing and authorisation of LMR security messages in the MC
// service server (docs/mc-server.md).
#include "mc_server/router.h"

#include <fmt/format.h>

#include "gms/gmk_delivery_body.h"
#include "mc_endpoint/mc_endpoint.h"
#include "net/registrar.h"

namespace kb::mc_server {
namespace {

std::unexpected<Refusal> Refuse(int status, std::string reason, std::string counter) {
  return std::unexpected(Refusal{status, std::move(reason), std::move(counter)});
}

std::string Short(std::string_view s) { return std::string(s.substr(0, 120)); }

}  // namespace

Result<EntityKind> ParseEntityKind(std::string_view s) {
  if (s == "iwf") return EntityKind::kIwf;
  if (s == "kmf") return EntityKind::kKmf;
  if (s == "gms") return EntityKind::kGms;
  return Fail(Error::InvalidArgument(fmt::format("entity kind '{}': expected iwf, kmf or gms", s)));
}

Router::Router(std::vector<LmrSecurityEntity> entities,
               std::function<bool(std::string_view aor)> known_user, size_t max_payload)
    : entities_(std::move(entities)),
      known_user_(std::move(known_user)),
      max_payload_(max_payload) {
  for (auto& e : entities_) e.uri = net::Registrar::CanonicalAor(e.uri);
}

bool Router::IsEntity(std::string_view aor) const {
  for (const auto& e : entities_) {
    if (e.uri == aor) return true;
  }
  return false;
}

bool Router::IsGms(std::string_view aor) const {
  for (const auto& e : entities_) {
    if (e.uri == aor && e.kind == EntityKind::kGms) return true;
  }
  return false;
}

std::expected<const net::BodyPart*, Refusal> Router::CheckGmkDelivery(
    const Route& route, std::span<const net::BodyPart> parts) const {
  if (parts.size() != 1 || net::FindPart(parts, gms::kGmkDeliveryContentType) == nullptr) {
    return Refuse(415,
                  fmt::format("Unsupported Media Type: a GMS sends only {} bodies",
                              gms::kGmkDeliveryContentType),
                  "refused_unsupported_body");
  }
  const net::BodyPart& part = parts.front();
  if (part.data.size() > max_payload_) {
    return Refuse(413,
                  fmt::format("Request Entity Too Large: GMK delivery of {} octets exceeds the "
                              "maximum of {}",
                              part.data.size(), max_payload_),
                  "refused_oversized");
  }
  auto d = gms::DecodeGmkDelivery(
      std::string_view(reinterpret_cast<const char*>(part.data.data()), part.data.size()));
  if (!d) return Refuse(400, "Bad Request: " + d.error().message(), "refused_malformed_body");
  if (net::Registrar::CanonicalAor(d->recipient) != route.target) {
    return Refuse(400,
                  fmt::format("Bad Request: GMK delivery recipient {} is not the Request-URI {}",
                              Short(d->recipient), Short(route.target)),
                  "refused_malformed_body");
  }
  return &part;
}

std::expected<Route, Refusal> Router::CheckAddressing(std::string_view from_uri,
                                                      std::string_view request_uri,
                                                      bool sender_registered) const {
  Route r;
  r.sender = net::Registrar::CanonicalAor(from_uri);
  r.target = net::Registrar::CanonicalAor(request_uri);
  if (!sender_registered) {
    return Refuse(403,
                  fmt::format("{} ({} has no registration on this flow)",
                              mc_endpoint::kNotRegisteredReason, Short(r.sender)),
                  "refused_not_registered");
  }
  bool sender_entity = IsEntity(r.sender);
  if (IsEntity(r.target)) {
    r.direction = Direction::kToEntity;
    return r;
  }
  bool target_user = known_user_ && known_user_(r.target);
  if (!target_user) {
    return Refuse(
        404,
        fmt::format("Not Found: no MC service user or LMR security entity {}", Short(r.target)),
        "refused_unknown_target");
  }
  if (!sender_entity) {
    return Refuse(403,
                  fmt::format("Forbidden: {} is not an LMR security functional entity; only "
                              "configured IWFs and KMFs may send toward clients",
                              Short(r.sender)),
                  "refused_not_entity");
  }
  r.direction = Direction::kToClient;
  return r;
}

std::expected<void, Refusal> Router::CheckBody(const Route& route,
                                               const Result<mc_endpoint::DecodedBody>& body) const {
  using mc_endpoint::SdsSecurityMessage;
  using mc_endpoint::SecurityMessageBody;
  if (!body) {
    if (body.error().kind() == ErrorKind::kUnsupported) {
      return Refuse(415, "Unsupported Media Type: " + body.error().message(),
                    "refused_unsupported_body");
    }
    return Refuse(400, "Bad Request: " + body.error().message(), "refused_malformed_body");
  }
  const mc_endpoint::InfoAddressing& a = std::holds_alternative<SdsSecurityMessage>(*body)
                                             ? std::get<SdsSecurityMessage>(*body).addressing
                                             : std::get<SecurityMessageBody>(*body).addressing;
  if (net::Registrar::CanonicalAor(a.request_uri) != route.target) {
    return Refuse(400,
                  fmt::format("Bad Request: info XML request URI {} is not the Request-URI {}",
                              Short(a.request_uri), Short(route.target)),
                  "refused_malformed_body");
  }
  if (net::Registrar::CanonicalAor(a.calling_user_id) != route.sender) {
    return Refuse(403,
                  fmt::format("Forbidden: calling user ID {} is not the sender {}",
                              Short(a.calling_user_id), Short(route.sender)),
                  "refused_spoofed_sender");
  }
  size_t payload = mc_endpoint::PayloadLength(*body);
  if (payload > max_payload_) {
    return Refuse(413,
                  fmt::format("Request Entity Too Large: payload of {} octets exceeds the "
                              "maximum of {}",
                              payload, max_payload_),
                  "refused_oversized");
  }
  if (const auto* sec = std::get_if<SecurityMessageBody>(&*body)) {
    std::string mc_id = std::visit(
        [](const auto& m) -> std::string {
          using T = std::decay_t<decltype(m)>;
          if constexpr (std::is_same_v<T, mc::IwfShortMessage>) {
            return m.mc_id;
          } else {
            return m.mc_service_id;
          }
        },
        sec->message);
    std::string mc_aor = net::Registrar::CanonicalAor(mc_id);
    // The MC service ID names the MC service user concerned: the sending client on the
    // uplink, the target client on the downlink.
    const std::string& user = route.direction == Direction::kToClient ? route.target : route.sender;
    bool sender_is_client = !IsEntity(route.sender);
    if (mc_aor != user) {
      if (sender_is_client) {
        return Refuse(403,
                      fmt::format("Forbidden: MC service ID {} in the body is not the sender {}",
                                  Short(mc_id), Short(route.sender)),
                      "refused_spoofed_sender");
      }
      if (route.direction == Direction::kToClient) {
        return Refuse(400,
                      fmt::format("Bad Request: MC service ID {} in the body is not the target {}",
                                  Short(mc_id), Short(route.target)),
                      "refused_malformed_body");
      }
    }
    if (route.direction == Direction::kToClient) {
      if (const auto* req = std::get_if<mc::SecurityMessageRequest>(&sec->message)) {
        if (auto st = mc::CheckTowardClient(*req); !st) {
          return Refuse(400, "Bad Request: " + st.error().message(), "refused_malformed_body");
        }
      }
    }
  }
  return {};
}

}  // namespace kb::mc_server
