// RFC 5280 / RFC 8446: the TLS identity of a keybridge HTTPS server: an ECDSA P-256 key and a
// self-signed X.509 certificate made on first start (docs/https.md, "TLS material").
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"

namespace kb::net {

// Where a server's TLS material lives.
struct TlsIdentity {
  std::filesystem::path cert_file;  // PEM certificate (mode 0644); clients trust this file
  std::filesystem::path key_file;   // PEM PKCS#8 private key (mode 0600)
};

// File names inside a node's data directory.
inline constexpr const char* kTlsCertFile = "tls-cert.pem";
inline constexpr const char* kTlsKeyFile = "tls-key.pem";

// Returns dir/tls-cert.pem and dir/tls-key.pem, creating both when the certificate is missing:
// a fresh P-256 key, a self-signed certificate (CN = names[0], subjectAltName = every name, as
// an IP address when it parses as one, else as a DNS name; CA:TRUE so that clients can use the
// file as their trust anchor), valid for `days` days. An existing key file readable by group or
// others is refused (kUnauthorised). names must not be empty.
Result<TlsIdentity> LoadOrCreateSelfSigned(const std::filesystem::path& dir,
                                           const std::vector<std::string>& names, int days = 825);

}  // namespace kb::net
