// keybridge IdMS (TS 33.180 5.1.2, Annex B; RFC 6749 4.3): password login and token issue.
#include "idms/idms.h"

#include <fmt/format.h>

#include "core/encoding.h"
#include "crypto/random.h"

namespace kb::idms {

Idms::Idms(IdmsOptions options, IdmsStore& store, JwtSigner signer)
    : options_(std::move(options)),
      store_(store),
      signer_(std::move(signer)),
      dummy_hash_(HashPassword("keybridge-dummy", options_.password_cost)) {}

Result<TokenGrant> Idms::Login(std::string_view subject, std::string_view password,
                               int64_t now) const {
  KB_TRY(auto account, store_.Find(subject));
  auto refused = [] { return Fail(Error::Unauthorised("invalid credentials")); };
  if (!account) {
    (void)VerifyPassword(password, dummy_hash_);  // same cost as a real check
    return refused();
  }
  auto good = VerifyPassword(password, account->password_hash);
  if (!good || !*good || account->disabled) return refused();
  JwtClaims claims;
  claims.sub = account->subject;
  claims.iss = options_.issuer;
  claims.aud = options_.audience;
  claims.iat = now;
  claims.exp = now + options_.token_lifetime_seconds;
  claims.scope = account->scopes;
  claims.jti = ToBase64Url(crypto::RandomBytes(12));
  return TokenGrant{signer_.Sign(claims), options_.token_lifetime_seconds, account->scopes};
}

Status Idms::Provision(std::string_view subject, std::string_view password,
                       std::vector<std::string> scopes, bool service) const {
  if (subject.empty() || subject.size() > 256)
    return Fail(Error::InvalidArgument("account: subject length"));
  if (password.size() < 8 || password.size() > 1024) {
    return Fail(Error::InvalidArgument("account: password must have 8 to 1024 characters"));
  }
  for (const auto& s : scopes) {
    if (s.empty() || s.find(' ') != std::string::npos)
      return Fail(Error::InvalidArgument("account: bad scope"));
  }
  Account a{std::string(subject), HashPassword(password, options_.password_cost), std::move(scopes),
            service, false};
  return store_.Put(a);
}

Status Idms::ProvisionIfMissing(std::string_view subject, std::string_view password,
                                std::vector<std::string> scopes, bool service) const {
  KB_TRY(auto existing, store_.Find(subject));
  if (existing) return Ok();
  return Provision(subject, password, std::move(scopes), service);
}

JwtVerifier Idms::Verifier() const {
  auto v = JwtVerifier::FromPublicKeyPem(
      signer_.PublicKeyPem(), options_.issuer,
      options_.audience.empty() ? std::string() : options_.audience.front());
  if (!v) std::abort();  // our own key always loads
  return *v;
}

}  // namespace kb::idms
