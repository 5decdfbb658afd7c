// TS 33.180 5.3 and Annex D (client side): login, init, keyprov and the key set checks.
#include "kms_client/kms_client.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "kms/kms_request.h"
#include "kms/user_key_check.h"
#include "net/http_url.h"

namespace kb::kms_client {
namespace {

using json = nlohmann::json;

std::string Trim(std::string_view base) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  return std::string(base);
}

Result<kms::KmsResponse> Post(const net::HttpsClientOptions& tls, const std::string& url,
                              std::string_view token, std::string body) {
  std::string_view type = body.empty() ? "" : "application/xml";
  KB_TRY(net::HttpResponse res,
         net::HttpsRequest(tls, "POST", url, std::move(body), type,
                           {{"Authorization", fmt::format("Bearer {}", token)}}));
  auto doc = kms::ParseKmsResponse(res.body);
  if (!doc) {
    return Fail(Error::Malformed(
        fmt::format("{}: HTTP {}: not a KmsResponse: {}", url, res.status, doc.error().message())));
  }
  if (const auto* e = std::get_if<kms::KmsError>(&doc->message)) {
    ErrorKind kind = res.status == 401 || res.status == 403 ? ErrorKind::kUnauthorised
                     : res.status == 404                    ? ErrorKind::kNotFound
                                                            : ErrorKind::kMalformed;
    return Fail(Error(kind, fmt::format("KMS refused {} (HTTP {}, KmsError {}): {}", url,
                                        res.status, e->error_code, e->error_msg)));
  }
  if (res.status != 200) return Fail(Error::Malformed(fmt::format("{}: HTTP {}", url, res.status)));
  return doc;
}

}  // namespace

Result<std::string> Login(const net::HttpsClientOptions& tls, std::string_view idms_url,
                          std::string_view user, std::string_view password) {
  std::string url = Trim(idms_url) + "/idms/token";
  std::string body = fmt::format("grant_type=password&username={}&password={}",
                                 net::PercentEncode(user), net::PercentEncode(password));
  KB_TRY(net::HttpResponse res,
         net::HttpsRequest(tls, "POST", url, std::move(body), "application/x-www-form-urlencoded"));
  json j = json::parse(res.body, nullptr, false);
  if (res.status != 200) {
    std::string why = j.is_object() && j.contains("error") && j["error"].is_string()
                          ? j["error"].get<std::string>()
                          : std::string("refused");
    return Fail(Error::Unauthorised(
        fmt::format("IdMS login as {} failed (HTTP {}): {}", user, res.status, why)));
  }
  if (!j.is_object() || !j.contains("access_token") || !j["access_token"].is_string()) {
    return Fail(Error::Malformed("IdMS token response: no access_token"));
  }
  return j["access_token"].get<std::string>();
}

Result<ProvisionedKeys> FetchKeys(const net::HttpsClientOptions& tls, std::string_view kms_url,
                                  std::string_view token, std::string_view user_uri, NtpTime now) {
  std::string base = Trim(kms_url) + "/keymanagement/identity/v1/";
  KB_TRY(kms::KmsResponse init, Post(tls, base + "init", token, {}));
  auto* kms_init = std::get_if<kms::KmsInit>(&init.message);
  if (kms_init == nullptr)
    return Fail(Error::Malformed("init: the KMS did not answer with KmsInit"));
  ProvisionedKeys out;
  out.certificate = kms_init->certificate;
  const kms::KmsCertificate& cert = out.certificate;
  if (cert.revoked) return Fail(Error::Expired("KMS certificate revoked"));
  if ((cert.valid_from && now < *cert.valid_from) || (cert.valid_to && now >= *cert.valid_to)) {
    return Fail(Error::Expired("KMS certificate outside its validity"));
  }

  kms::KmsRequest req;
  req.user_uri = std::string(user_uri);
  req.kms_uri = cert.kms_uri;
  req.time = now;
  req.client_req_url = base + "keyprov";
  KB_TRY(out.keyprov_response, Post(tls, req.client_req_url, token, kms::ToXml(req)));
  auto* prov = std::get_if<kms::KmsKeyProv>(&out.keyprov_response.message);
  if (prov == nullptr)
    return Fail(Error::Malformed("keyprov: the KMS did not answer with KmsKeyProv"));
  if (out.keyprov_response.kms_uri != cert.kms_uri)
    return Fail(Error::WrongRecipient("keyprov: another KmsUri"));
  uint64_t current = cert.key_period.NumberAt(now);
  for (const auto& set : prov->key_sets) {
    if (set.user_uri != user_uri) {
      return Fail(Error::WrongRecipient(fmt::format("keyprov: a key set for {}", set.user_uri)));
    }
    if (set.key_period_no != current && set.key_period_no != current + 1) {
      return Fail(Error::Expired(fmt::format("keyprov: key period {} is neither {} nor {}",
                                             set.key_period_no, current, current + 1)));
    }
    KB_CHECK(kms::CheckKeySet(cert, set));
    out.key_sets.push_back(set.Clone());
  }
  if (out.key_sets.empty()) return Fail(Error::NotFound("keyprov: no key set"));
  return out;
}

}  // namespace kb::kms_client
