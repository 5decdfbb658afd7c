// keybridge IdMS (TS 33.180 5.1.2, Annex B, with RFC 6749 4.3 resource-owner password grant):
// logs users and service identities in and issues ES256 access tokens (docs/idms.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "idms/idms_store.h"
#include "idms/jwt.h"
#include "idms/password_hash.h"

namespace kb::idms {

// Scope that allows POST /idms/users.
inline constexpr const char* kAdminScope = "keybridge:admin";
// Scope the KMS requires (TS 33.180 Annex B, as implementations spell it).
inline constexpr const char* kKmsScope = "3gpp:mc:ptt_key_management_service";

struct IdmsOptions {
  std::string issuer = "https://idms.example.org";    // iss of every token
  std::vector<std::string> audience = {"keybridge"};  // aud of every token
  int64_t token_lifetime_seconds = 3600;
  ScryptCost password_cost;  // for new passwords
};

struct TokenGrant {
  std::string access_token;
  int64_t expires_in = 0;
  std::vector<std::string> scope;
};

// The engine: no sockets, no clock of its own. Thread-safe when the store is.
class Idms {
 public:
  Idms(IdmsOptions options, IdmsStore& store, JwtSigner signer);

  // Password login. Unknown subject, disabled account and wrong password all fail alike
  // (kUnauthorised, "invalid credentials"), and an unknown subject costs a hash too.
  Result<TokenGrant> Login(std::string_view subject, std::string_view password, int64_t now) const;
  // Creates or replaces an account with a fresh password hash.
  Status Provision(std::string_view subject, std::string_view password,
                   std::vector<std::string> scopes, bool service) const;
  // Provisions the account only when the subject is unknown (start-up from the config file).
  Status ProvisionIfMissing(std::string_view subject, std::string_view password,
                            std::vector<std::string> scopes, bool service) const;

  const JwtSigner& signer() const { return signer_; }
  const IdmsOptions& options() const { return options_; }
  // A verifier for this IdMS's own tokens (the admin endpoint uses it).
  JwtVerifier Verifier() const;

 private:
  IdmsOptions options_;
  IdmsStore& store_;
  JwtSigner signer_;
  std::string dummy_hash_;
};

}  // namespace kb::idms
