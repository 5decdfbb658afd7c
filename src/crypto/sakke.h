// SAKKE (RFC 6508) with MIKEY-SAKKE parameter set 1 (RFC 6509 Appendix A): a 1024-bit
// supersingular curve y^2 = x^3 - 3x, q = (p+1)/4 of 1022 bits, a 128-bit SSV, SHA-256.
//
// KMS side: master secret z and public Z = [z]P; Receiver Secret Key (RSK) issue for an
// identifier. User side: RSK validation, encapsulation of an SSV to an identifier, and
// decapsulation with the mandatory re-derivation check of R (RFC 6508 6.2.2 step 5). Field
// elements are 128 octets, points 0x04 || x || y (257 octets), the Encapsulated Data
// R || H is 273 octets. Under TS 33.180 the identifier is the 32-octet UID (Annex F.2.1).
// Operations with secret values (z, r, the SSV, the RSK) run in constant time; see
// docs/constant-time.md.
#pragma once

#include <memory>

#include "core/bytes.h"
#include "core/secret.h"

namespace kb::crypto::sakke {

inline constexpr size_t kFieldBytes = 128;
inline constexpr size_t kPointBytes = 257;
inline constexpr size_t kSsvBytes = 16;
inline constexpr size_t kEncapsulatedBytes = kPointBytes + kSsvBytes;  // 273

struct KmsKeys {
  SecretBytes z;  // 128 octets, in [2, q-1]
  Bytes z_pub;    // 257 octets, Z = [z]P (the KMS PubEncKey)
};

KmsKeys GenerateKmsKeys();
Result<KmsKeys> KmsKeysFromSecret(ByteView z);

// K_id = [(id + z)^-1 mod q]P, 257 octets (RFC 6508 6.1.1).
Result<SecretBytes> IssueRsk(const KmsKeys& kms, ByteView id);

// Checks <[id]P + Z, RSK> == g (RFC 6508 6.1.2).
Status ValidateRsk(ByteView z_pub, ByteView id, const SecretBytes& rsk);

// Encapsulates ssv (16 octets) to id (RFC 6508 6.2.1); returns the 273-octet Encapsulated Data.
Result<Bytes> Encapsulate(const SecretBytes& ssv, ByteView z_pub, ByteView id);

// Decapsulates (RFC 6508 6.2.2), including the TEST == R check; returns the SSV. Fails with
// kMalformed for data that does not parse or lies off the curve, kCryptoFailure when the
// re-derivation check fails.
Result<SecretBytes> Decapsulate(ByteView encapsulated, ByteView z_pub, ByteView id,
                                const SecretBytes& rsk);

// The fast paths: precomputed tables for a KMS community (fixed bases P and Z, and g) and for
// one receiver (the RSK's Miller-loop lines). Both are immutable after Create and thread-safe.
class Community {
 public:
  static Result<Community> Create(ByteView z_pub);
  ~Community();
  Community(Community&&) noexcept;
  Community& operator=(Community&&) noexcept;

  Result<Bytes> Encapsulate(const SecretBytes& ssv, ByteView id) const;

 private:
  friend class Receiver;
  struct Tables;
  explicit Community(std::shared_ptr<const Tables> tables);
  std::shared_ptr<const Tables> tables_;
};

class Receiver {
 public:
  // Validates the RSK, then precomputes its line table.
  static Result<Receiver> Create(const Community& community, ByteView id, SecretBytes rsk);
  ~Receiver();
  Receiver(Receiver&&) noexcept;
  Receiver& operator=(Receiver&&) noexcept;

  Result<SecretBytes> Decapsulate(ByteView encapsulated) const;

 private:
  struct State;
  explicit Receiver(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace kb::crypto::sakke
