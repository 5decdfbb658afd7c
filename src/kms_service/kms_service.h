// TS 33.180 5.3 and Annex D (D.1, D.2, D.3): the KMS over HTTPS: POST
// /keymanagement/identity/v1/{init, keyprov, keyprov/<uri>, keyprov/<uri>/<time>, certcache,
// certcache/<n>} for the holder of an IdMS access token (docs/idms.md, "KMS").
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/ntp_time.h"
#include "idms/jwt.h"
#include "kms/community.h"
#include "kms/kms_certificate.h"
#include "kms_service/kms_store.h"
#include "net/http_server.h"

namespace kb::kms_service {

inline constexpr std::string_view kResourceBase = "/keymanagement/identity/v1/";

struct KmsServiceOptions {
  std::string kms_id;                               // KmsId in responses (empty: absent)
  std::string required_scope;                       // scope a token must carry (empty: none)
  uint64_t max_request_skew_seconds = 300;          // KmsRequest Time must be this close to now
  std::vector<kms::KmsCertificate> external_certs;  // the KmsCertCache content (External role)
  uint64_t cert_cache_num = 1;                      // CacheNum of that content
};

// The engine. Thread-safe (the community, the verifier and the store are).
class KmsService {
 public:
  // community, store must outlive the service. store may be null (no issue log).
  KmsService(const kms::Community& community, idms::JwtVerifier verifier, KmsStore* store,
             KmsServiceOptions options);

  // Answers one request (the full path, e.g. /keymanagement/identity/v1/keyprov) at time now.
  // The response is always a KmsResponse document: the requested message, or KmsError with
  // ErrorCode = the HTTP status: 401 no or bad token, 403 a scope is missing, another identity's
  // keys, a time outside the current and next key period, 400 a malformed KmsRequest or one
  // naming another KMS, user, resource or a time not recent, 404 an unknown resource.
  net::HttpResponse Handle(const net::HttpRequest& request, NtpTime now) const;

 private:
  const kms::Community& community_;
  idms::JwtVerifier verifier_;
  KmsStore* store_;
  KmsServiceOptions options_;
};

// POST routes under kResourceBase. clock gives the current time.
void AddKmsRoutes(net::HttpRouter& router, const KmsService& service,
                  std::function<NtpTime()> clock);

}  // namespace kb::kms_service
