// RFC 3261 clause 10.3 registrar with RFC 7616 Digest authentication (MD5 and SHA-256, qop=auth):
// an MC service client registers its MC service ID (the AOR) with one or more contacts. Pure
// logic: a REGISTER in, the response out; the time is passed in, nothing here touches a socket.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/secret.h"
#include "net/digest_auth.h"
#include "net/sip_message.h"

namespace kb::net {

using RegistrarClock = std::chrono::system_clock;

struct RegistrarConfig {
  std::string realm = "keybridge";
  // A nonce older than this is answered with a new challenge and stale=true.
  std::chrono::seconds nonce_lifetime{300};
  uint32_t default_expires = 3600;  // when neither the contact nor the request says
  uint32_t min_expires = 60;        // shorter (non-zero) requests get 423 with Min-Expires
  uint32_t max_expires = 86400;     // longer requests are shortened to this
  // Challenges offered, in order of preference (RFC 8760: SHA-256 first).
  std::vector<DigestAlgorithm> algorithms = {DigestAlgorithm::kSha256, DigestAlgorithm::kMd5};
};

// One registered contact of an AOR.
struct Binding {
  std::string contact;  // the Contact URI, e.g. "sip:alice@127.0.0.1:5070"
  std::string call_id;
  uint32_t cseq = 0;
  RegistrarClock::time_point expires_at;
};

// The password of a digest username, or nullopt when the user is unknown.
using CredentialLookup = std::function<std::optional<SecretBytes>(std::string_view username)>;

// Thread-safe: Handle() may run on a SIP stack thread while another thread calls Lookup().
class Registrar {
 public:
  Registrar(RegistrarConfig config, CredentialLookup lookup);

  // The response to a REGISTER: 401 (no or stale credentials, with one challenge per
  // algorithm), 403 (wrong password, unknown user, or a username that does not own the AOR),
  // 400 (a malformed header, with the reason), 423 (interval too brief), 500 (CSeq out of
  // order) or 200 with every current binding of the AOR as a Contact with its expires.
  // The digest username owns the AOR whose user@host (or user part) equals it.
  SipMessage Handle(const SipMessage& request, RegistrarClock::time_point now);

  // The unexpired bindings of an AOR ("sip:alice@example.org"), oldest first.
  std::vector<Binding> Lookup(std::string_view aor, RegistrarClock::time_point now) const;

  // Puts back a binding kept across a restart (the MC service server's registration store);
  // an existing binding of the same contact is replaced.
  void Restore(std::string_view aor, Binding binding);

  // Removes expired bindings and old nonce records.
  void Expire(RegistrarClock::time_point now);

  // The canonical AOR of a SIP URI: "sip:user@host", host in lower case.
  // Results are cached per thread (bounded), so repeated URIs cost a hash lookup.
  static std::string CanonicalAor(std::string_view uri);

 private:
  static std::string ParseCanonicalAor(std::string_view uri);
  enum class NonceState { kValid, kStale, kInvalid };
  std::string NewNonce(RegistrarClock::time_point now) const;
  NonceState CheckNonce(std::string_view nonce, RegistrarClock::time_point now) const;
  SipMessage Challenge(const SipMessage& request, RegistrarClock::time_point now, bool stale);
  SipMessage UpdateBindings(const SipMessage& request, const std::string& aor,
                            RegistrarClock::time_point now);

  RegistrarConfig config_;
  CredentialLookup lookup_;
  SecretBytes nonce_key_;
  std::string opaque_;
  mutable std::mutex mu_;
  std::map<std::string, std::vector<Binding>> bindings_;  // by canonical AOR
  std::map<std::string, uint32_t> nonce_counts_;          // highest nc seen per nonce
};

}  // namespace kb::net
