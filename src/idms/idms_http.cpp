// keybridge IdMS over HTTPS: the token, account and JWKS endpoints.
#include "idms/idms_http.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <nlohmann/json.hpp>

#include "core/secret.h"
#include "net/http_url.h"

namespace kb::idms {
namespace {

using json = nlohmann::json;

net::HttpResponse OAuthError(unsigned status, std::string_view code, std::string_view description) {
  return net::JsonResponse(status,
                           json{{"error", code}, {"error_description", description}}.dump());
}

// The request's fields, from a form or a JSON object.
Result<json> Fields(const net::HttpRequest& r) {
  std::string type = r.Header("content-type");
  if (type.starts_with("application/json")) {
    json j = json::parse(r.body, nullptr, false);
    if (!j.is_object()) return Fail(Error::Malformed("body: not a JSON object"));
    return j;
  }
  KB_TRY(auto form, net::ParseForm(r.body));
  json j = json::object();
  for (auto& [k, v] : form) j[k] = v;
  return j;
}

std::string Str(const json& j, const char* name) {
  return j.contains(name) && j[name].is_string() ? j[name].get<std::string>() : std::string();
}

}  // namespace

std::string_view BearerToken(std::string_view authorization) {
  constexpr std::string_view kPrefix = "Bearer ";
  if (authorization.size() <= kPrefix.size()) return {};
  for (size_t i = 0; i < kPrefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
        std::tolower(static_cast<unsigned char>(kPrefix[i]))) {
      return {};
    }
  }
  return authorization.substr(kPrefix.size());
}

void AddIdmsRoutes(net::HttpRouter& router, const Idms& idms, std::function<int64_t()> clock) {
  router.Add("POST", "/idms/token", [&idms, clock](const net::HttpRequest& r) {
    auto fields = Fields(r);
    if (!fields) return OAuthError(400, "invalid_request", fields.error().message());
    std::string grant = Str(*fields, "grant_type");
    if (!grant.empty() && grant != "password")
      return OAuthError(400, "unsupported_grant_type", grant);
    std::string user = Str(*fields, "username"), password = Str(*fields, "password");
    if (user.empty() || password.empty())
      return OAuthError(400, "invalid_request", "username and password required");
    auto grant_result = idms.Login(user, password, clock());
    SecureWipe(password.data(), password.size());
    if (!grant_result) {
      spdlog::info("login refused for {}", user);
      if (grant_result.error().kind() == ErrorKind::kUnauthorised) {
        return OAuthError(400, "invalid_grant", "invalid credentials");
      }
      return OAuthError(500, "server_error", "login failed");
    }
    spdlog::info("token issued to {}", user);
    std::string scope;
    for (const auto& s : grant_result->scope) scope += (scope.empty() ? "" : " ") + s;
    return net::JsonResponse(200, json{{"access_token", grant_result->access_token},
                                       {"token_type", "Bearer"},
                                       {"expires_in", grant_result->expires_in},
                                       {"scope", scope}}
                                      .dump());
  });

  router.Add("POST", "/idms/users", [&idms, clock](const net::HttpRequest& r) {
    std::string authorization = r.Header("authorization");
    std::string_view token = BearerToken(authorization);
    if (token.empty()) {
      auto res = OAuthError(401, "invalid_token", "bearer token required");
      res.headers["www-authenticate"] = "Bearer";
      return res;
    }
    auto claims = idms.Verifier().Verify(token, clock());
    if (!claims) return OAuthError(401, "invalid_token", claims.error().message());
    if (!claims->HasScope(kAdminScope)) return OAuthError(403, "insufficient_scope", kAdminScope);
    json j = json::parse(r.body, nullptr, false);
    if (!j.is_object()) return OAuthError(400, "invalid_request", "body: not a JSON object");
    std::vector<std::string> scopes;
    if (j.contains("scopes") && j["scopes"].is_array()) {
      for (const auto& s : j["scopes"]) {
        if (s.is_string()) scopes.push_back(s.get<std::string>());
      }
    }
    bool service = j.contains("service") && j["service"].is_boolean() && j["service"].get<bool>();
    std::string user = Str(j, "username"), password = Str(j, "password");
    Status st = idms.Provision(user, password, std::move(scopes), service);
    SecureWipe(password.data(), password.size());
    if (!st) return OAuthError(400, "invalid_request", st.error().message());
    spdlog::info("account {} provisioned by {}", user, claims->sub);
    return net::JsonResponse(201, json{{"username", user}}.dump());
  });

  std::string jwks = idms.signer().Jwks();
  router.Add("GET", "/.well-known/jwks.json",
             [jwks](const net::HttpRequest&) { return net::JsonResponse(200, jwks); });
}

}  // namespace kb::idms
