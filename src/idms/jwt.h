// RFC 7519 JWT signed with RFC 7515 JWS ES256 (RFC 7518 3.4: ECDSA P-256, SHA-256, r||s): the
// IdMS access tokens, their signer (the IdMS) and their verifier (every other service).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace kb::idms {

// The claims keybridge puts in an access token.
struct JwtClaims {
  std::string sub;                 // the MC ID URI of the user or the service's URI
  std::string iss;                 // the IdMS issuer
  std::vector<std::string> aud;    // audiences (one string on the wire when there is one)
  int64_t iat = 0;                 // issued at, Unix seconds
  int64_t exp = 0;                 // expiry, Unix seconds
  std::vector<std::string> scope;  // space-separated on the wire (RFC 8693 4.2)
  std::string jti;                 // token id (empty: absent)

  bool HasScope(std::string_view s) const;
  bool HasAudience(std::string_view a) const;
};

// An ES256 signing key. Copyable (the key is shared and immutable).
class JwtSigner {
 public:
  // Reads the PEM PKCS#8 key in key_file (refused when group or others may read it), or
  // creates a fresh P-256 key there (mode 0600) when the file does not exist.
  static Result<JwtSigner> LoadOrCreate(const std::filesystem::path& key_file);
  static JwtSigner Generate();

  // header {"alg":"ES256","typ":"JWT","kid":kid()} . claims . signature
  std::string Sign(const JwtClaims& claims) const;
  // The key id: the RFC 7638 JWK thumbprint (base64url SHA-256).
  const std::string& kid() const { return kid_; }
  // The public key as a PEM SubjectPublicKeyInfo and as a JWK Set (RFC 7517 5).
  std::string PublicKeyPem() const;
  std::string Jwks() const;

 private:
  explicit JwtSigner(std::shared_ptr<EVP_PKEY> key);
  std::shared_ptr<EVP_PKEY> key_;
  std::string kid_;
};

// Checks ES256 tokens of one issuer for one audience. Copyable, thread-safe.
class JwtVerifier {
 public:
  static Result<JwtVerifier> FromPublicKeyPem(std::string_view pem, std::string issuer,
                                              std::string audience);
  // The first P-256 "EC" key of a JWK Set.
  static Result<JwtVerifier> FromJwks(std::string_view jwks_json, std::string issuer,
                                      std::string audience);

  // Verifies token at time now (Unix seconds), allowing leeway seconds of clock skew. Refuses
  // (kUnauthorised unless said otherwise): a token that is not three base64url parts, a header
  // whose alg is not ES256 or whose kid is another key's, a bad signature (kCryptoFailure),
  // another issuer or audience, an expired token or one issued in the future (kExpired), a
  // missing sub.
  Result<JwtClaims> Verify(std::string_view token, int64_t now, int64_t leeway = 60) const;

  const std::string& kid() const { return kid_; }

 private:
  JwtVerifier(std::shared_ptr<EVP_PKEY> key, std::string issuer, std::string audience);
  std::shared_ptr<EVP_PKEY> key_;
  std::string kid_, issuer_, audience_;
};

// Largest token Verify looks at.
inline constexpr size_t kMaxTokenBytes = 8192;

}  // namespace kb::idms
