// RFC 7616 / RFC 2617 HTTP Digest as SIP uses it (RFC 3261 22.4, RFC 8760 for SHA-256): the
// WWW-Authenticate challenge, the Authorization answer and the qop=auth response value. oSIP
// parses and prints both headers; this file does the hashing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/secret.h"

namespace kb::net {

enum class DigestAlgorithm { kMd5, kSha256 };

// "MD5" / "SHA-256" (RFC 7616 3.3, RFC 8760).
std::string_view DigestAlgorithmName(DigestAlgorithm a);
// Case-insensitive; an absent algorithm ("") means MD5 (RFC 7616 3.3).
std::optional<DigestAlgorithm> ParseDigestAlgorithm(std::string_view name);

// A WWW-Authenticate: Digest challenge (values unquoted).
struct DigestChallenge {
  std::string realm;
  std::string nonce;
  std::string opaque;
  DigestAlgorithm algorithm = DigestAlgorithm::kSha256;
  bool stale = false;
  bool qop_auth = true;  // qop="auth" offered
};

// The header value, e.g. `Digest realm="kb", nonce="...", algorithm=SHA-256, qop="auth"`.
Result<std::string> FormatChallenge(const DigestChallenge& c);
// Errors: not Digest, no realm or nonce, an unknown algorithm (kUnsupported).
Result<DigestChallenge> ParseChallenge(std::string_view header_value);

// An Authorization: Digest answer (values unquoted).
struct DigestCredentials {
  std::string username;
  std::string realm;
  std::string nonce;
  std::string uri;
  std::string response;  // lower-case hex
  std::string cnonce;
  std::string nc;   // 8 hex digits
  std::string qop;  // "auth" or "" (RFC 2069 compatibility, refused by the registrar)
  std::string opaque;
  DigestAlgorithm algorithm = DigestAlgorithm::kMd5;
};

Result<std::string> FormatAuthorization(const DigestCredentials& c);
// Errors name the missing or malformed parameter.
Result<DigestCredentials> ParseAuthorization(std::string_view header_value);

// RFC 7616 3.4.1 with qop=auth:
//   response = H( H(username:realm:password) : nonce : nc : cnonce : qop : H(method:uri) )
// and RFC 2069 (no qop) response = H( HA1 : nonce : HA2 ). Lower-case hex.
std::string DigestResponse(DigestAlgorithm alg, const DigestCredentials& c,
                           const SecretBytes& password, std::string_view method);

// The answer to `challenge` for a request `method uri`: a fresh cnonce, nc 00000001, qop=auth.
DigestCredentials AnswerChallenge(const DigestChallenge& challenge, std::string_view username,
                                  const SecretBytes& password, std::string_view method,
                                  std::string_view uri);

}  // namespace kb::net
