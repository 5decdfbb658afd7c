// TS 33.180 5.3 and Annex D (client side), Annex B (token): log in at the IdMS, fetch the KMS
// certificate (init) and the user's key sets (keyprov) over HTTPS, and check them before use.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/ntp_time.h"
#include "kms/kms_certificate.h"
#include "kms/kms_key_set.h"
#include "kms/kms_response.h"
#include "net/http_client.h"

namespace kb::kms_client {

// POST <idms_url>/idms/token with the password grant; returns the access token. A refusal is
// kUnauthorised.
Result<std::string> Login(const net::HttpsClientOptions& tls, std::string_view idms_url,
                          std::string_view user, std::string_view password);

struct ProvisionedKeys {
  kms::KmsCertificate certificate;    // from KmsInit
  kms::KmsResponse keyprov_response;  // the KmsKeyProv response, as received
  std::vector<kms::KmsKeySet> key_sets;
};

// POST <kms_url>/keymanagement/identity/v1/init, then .../keyprov with a KmsRequest for
// user_uri at time now. Every key set is checked (kms::CheckKeySet: the UID, SSK/PVT against
// KPAK, RSK against Z), must be user_uri's and must be for the current or next key period
// (kExpired otherwise). A KmsError answer fails with kUnauthorised (HTTP 401/403), kNotFound
// (404) or kMalformed (400) and the KMS's ErrorMsg.
Result<ProvisionedKeys> FetchKeys(const net::HttpsClientOptions& tls, std::string_view kms_url,
                                  std::string_view token, std::string_view user_uri, NtpTime now);

}  // namespace kb::kms_client
