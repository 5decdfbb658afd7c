// TS 33.180 5.3 (client side): an MC identity's KMS certificate and key sets fetched over HTTPS
// and written to files, as `keybridge kms fetch` and the gms role on start do.
#pragma once

#include <filesystem>
#include <string>

#include "core/error.h"
#include "core/secret.h"
#include "net/http_client.h"

namespace kb::app {

struct IdentityKeyFetch {
  std::string idms_url, kms_url, user;
  net::HttpsClientOptions idms_tls, kms_tls;
  std::filesystem::path cert_out;  // KmsCertificate XML, mode 0644; empty: not written
  std::filesystem::path keys_out;  // KmsResponse (KmsKeyProv) XML, mode 0600
};

// Logs in at the IdMS with password, fetches init + keyprov from the KMS (kms_client checks
// every key set) and writes the files. Returns the number of key sets written.
Result<size_t> FetchIdentityKeyFiles(const IdentityKeyFetch& f, const SecretBytes& password);

}  // namespace kb::app
