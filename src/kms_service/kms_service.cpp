// TS 33.180 5.3 and Annex D: the KMS resources over HTTPS, for the authenticated identity only.
#include "kms_service/kms_service.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <optional>

#include "idms/idms_http.h"
#include "kms/kms_request.h"
#include "kms/kms_response.h"
#include "net/http_url.h"

namespace kb::kms_service {
namespace {

struct Refusal {
  unsigned status;
  std::string message;
};

std::string_view AsText(const SecretBytes& b) {
  return {reinterpret_cast<const char*>(b.Reveal().data()), b.Reveal().size()};
}

// The parts of a resource path after kResourceBase.
struct Resource {
  std::string kind;  // "init", "keyprov", "certcache"
  std::optional<std::string> uri;
  std::optional<NtpTime> time;
  std::optional<uint64_t> cache_num;
};

Result<Resource> ParseResource(std::string_view path) {
  if (!path.starts_with(kResourceBase)) return Fail(Error::NotFound("unknown resource"));
  std::string_view rest = path.substr(kResourceBase.size());
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (true) {
    size_t slash = rest.find('/', pos);
    parts.push_back(
        rest.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos));
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  Resource r;
  r.kind = std::string(parts[0]);
  if (r.kind == "init" && parts.size() == 1) return r;
  if (r.kind == "certcache" && parts.size() <= 2) {
    if (parts.size() == 2) {
      uint64_t n = 0;
      auto [p, ec] = std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), n);
      if (ec != std::errc() || p != parts[1].data() + parts[1].size()) {
        return Fail(Error::Malformed("certcache/<n>: not a number"));
      }
      r.cache_num = n;
    }
    return r;
  }
  if (r.kind == "keyprov" && parts.size() <= 3) {
    if (parts.size() >= 2) {
      KB_TRY(std::string uri, net::PercentDecode(parts[1], "keyprov/<uri>"));
      if (uri.empty()) return Fail(Error::Malformed("keyprov/<uri>: empty"));
      r.uri = std::move(uri);
    }
    if (parts.size() == 3) {
      std::string_view t = parts[2];
      uint64_t raw = 0;
      auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), raw, 16);
      if (t.size() != 16 || ec != std::errc() || p != t.data() + t.size()) {
        return Fail(Error::Malformed("keyprov/<uri>/<time>: expected 16 hex digits of NTP time"));
      }
      r.time = NtpTime(raw);
    }
    return r;
  }
  return Fail(Error::NotFound("unknown resource"));
}

}  // namespace

KmsService::KmsService(const kms::Community& community, idms::JwtVerifier verifier, KmsStore* store,
                       KmsServiceOptions options)
    : community_(community),
      verifier_(std::move(verifier)),
      store_(store),
      options_(std::move(options)) {}

net::HttpResponse KmsService::Handle(const net::HttpRequest& request, NtpTime now) const {
  const kms::KmsCertificate& cert = community_.certificate();
  kms::KmsResponse response;
  response.kms_uri = cert.kms_uri;
  response.time = now;
  response.kms_id = options_.kms_id;
  std::string host = request.Header("host");
  response.client_req_url =
      fmt::format("https://{}{}", host.empty() ? cert.kms_uri : host, request.path);

  auto refuse = [&](unsigned status, std::string message) {
    spdlog::info("KMS {} refused for {}: {} {}", request.path,
                 response.user_uri.empty() ? "?" : response.user_uri, status, message);
    if (response.user_uri.empty()) response.user_uri = "anonymous";
    response.message = kms::KmsError{status, std::move(message)};
    SecretBytes xml = kms::ToXml(response);
    return net::HttpResponse(status, "application/xml", std::string(AsText(xml)));
  };

  // 1. The access token (TS 33.180 Annex B): who asks.
  std::string authorization = request.Header("authorization");
  std::string_view token = idms::BearerToken(authorization);
  if (token.empty()) {
    auto res = refuse(401, "access token required");
    res.headers["www-authenticate"] = "Bearer";
    return res;
  }
  auto claims = verifier_.Verify(token, now.unix_seconds());
  if (!claims) return refuse(401, claims.error().message());
  response.user_uri = claims->sub;
  if (!options_.required_scope.empty() && !claims->HasScope(options_.required_scope)) {
    return refuse(403, fmt::format("access token lacks scope {}", options_.required_scope));
  }

  // 2. The resource.
  auto resource = ParseResource(request.path);
  if (!resource) {
    return refuse(resource.error().kind() == ErrorKind::kNotFound ? 404 : 400,
                  resource.error().message());
  }

  // 3. The KmsRequest document, when the client sent one.
  if (!request.body.empty()) {
    auto req = kms::ParseKmsRequest(request.body);
    if (!req) return refuse(400, fmt::format("KmsRequest: {}", req.error().message()));
    if (req->kms_uri != cert.kms_uri)
      return refuse(400, fmt::format("KmsRequest: KmsUri is not {}", cert.kms_uri));
    if (req->user_uri != claims->sub)
      return refuse(403, "KmsRequest: UserUri is not the authenticated identity");
    auto req_url = net::ParseHttpsUrl(req->client_req_url);
    if (!req_url || req_url->target != request.path) {
      return refuse(400, "KmsRequest: ClientReqUrl is not the resource requested");
    }
    uint64_t a = req->time.seconds(), b = now.seconds();
    if ((a > b ? a - b : b - a) > options_.max_request_skew_seconds)
      return refuse(400, "KmsRequest: Time not recent");
    response.client_req_url = req->client_req_url;
  }

  if (resource->kind == "init") {
    response.message = kms::KmsInit{cert, std::nullopt};
  } else if (resource->kind == "certcache") {
    kms::KmsCertCache cache;
    cache.cache_num = options_.cert_cache_num;
    if (!resource->cache_num || *resource->cache_num < options_.cert_cache_num) {
      cache.certificates = options_.external_certs;
    }
    response.message = std::move(cache);
  } else {
    // keyprov: only the authenticated identity's keys, current and next key period.
    if (resource->uri && *resource->uri != claims->sub) {
      return refuse(403, "keys of another identity");
    }
    uint64_t current = cert.key_period.NumberAt(now);
    std::vector<uint64_t> periods = {current, current + 1};
    if (resource->time) {
      uint64_t asked = cert.key_period.NumberAt(*resource->time);
      if (asked != current && asked != current + 1) {
        return refuse(403, "time outside the current and next key period");
      }
      periods = {asked};
    }
    kms::KmsKeyProv prov;
    for (uint64_t period : periods) {
      auto set = community_.Provision(claims->sub, period);
      if (!set) return refuse(500, "key provisioning failed");
      prov.key_sets.push_back(std::move(*set));
      if (store_ != nullptr) {
        if (auto st = store_->RecordIssue({claims->sub, period, now, "keyprov"}); !st) {
          return refuse(500, "issue log unavailable");
        }
      }
    }
    spdlog::info("KMS issued {} key set(s) to {}", prov.key_sets.size(), claims->sub);
    response.message = std::move(prov);
  }
  SecretBytes xml = kms::ToXml(response);
  return net::HttpResponse(200, "application/xml", std::string(AsText(xml)));
}

void AddKmsRoutes(net::HttpRouter& router, const KmsService& service,
                  std::function<NtpTime()> clock) {
  router.AddPrefix(
      "POST", std::string(kResourceBase),
      [&service, clock](const net::HttpRequest& r) { return service.Handle(r, clock()); });
}

}  // namespace kb::kms_service
