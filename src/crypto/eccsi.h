// ECCSI (RFC 6507) with the RFC 6509 profile: NIST P-256, SHA-256, N = 32.
//
// KMS side: the KMS Secret Authentication Key (KSAK) and its public KPAK; issue of a user's
// Secret Signing Key (SSK) and Public Validation Token (PVT). User side: validation of SSK/PVT,
// signing (signature = r || s || PVT, 129 octets) and verification. Points are uncompressed
// (0x04 || x || y, 65 octets); scalars are 32 octets big-endian. Under TS 33.180 the identifier
// ID is the 32-octet UID of Annex F.2.1. Secret scalars (KSAK, SSK, the per-signature j) are
// used only in constant-time operations; see docs/constant-time.md.
#pragma once

#include <memory>

#include "core/bytes.h"
#include "core/secret.h"

namespace kb::crypto::eccsi {

inline constexpr size_t kScalarBytes = 32;
inline constexpr size_t kPointBytes = 65;
inline constexpr size_t kSignatureBytes = 129;

struct KmsKeys {
  SecretBytes ksak;  // 32 octets
  Bytes kpak;        // 65 octets, [KSAK]G
};

// A fresh KSAK and its KPAK.
KmsKeys GenerateKmsKeys();
// KPAK from a given KSAK (in [1, q-1]).
Result<KmsKeys> KmsKeysFromKsak(ByteView ksak);

struct UserKeys {
  SecretBytes ssk;  // 32 octets
  Bytes pvt;        // 65 octets
};

// Issues SSK and PVT for the identifier id (RFC 6507 5.1.1) with a fresh random v.
Result<UserKeys> IssueUserKeys(const KmsKeys& kms, ByteView id);
// The same with a given v, for known-answer tests only.
Result<UserKeys> IssueUserKeysWithV(const KmsKeys& kms, ByteView id, ByteView v);

// Validates SSK and PVT against KPAK and id (RFC 6507 5.1.2): PVT on the curve and not the
// point at infinity, and KPAK == [SSK]G - [HS]PVT. Returns HS (32 octets) on success.
Result<Bytes> ValidateUserKeys(ByteView kpak, ByteView id, const UserKeys& keys);

// A user's signing key, validated once; Sign() may then be called from any thread.
class Signer {
 public:
  static Result<Signer> Create(ByteView kpak, ByteView id, UserKeys keys);
  ~Signer();
  Signer(Signer&&) noexcept;
  Signer& operator=(Signer&&) noexcept;

  // Signs message (RFC 6507 5.2.1) with a fresh random j; 129 octets.
  Result<Bytes> Sign(ByteView message) const;
  // The same with a given j, for known-answer tests only.
  Result<Bytes> SignWithJ(ByteView message, ByteView j) const;

  ByteView pvt() const;
  ByteView hs() const;

 private:
  struct State;
  explicit Signer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Verifies signature over message for identifier id under kpak (RFC 6507 5.2.2). Fails with
// kCryptoFailure when the signature does not verify, kMalformed when it cannot be parsed.
Status Verify(ByteView kpak, ByteView id, ByteView message, ByteView signature);

}  // namespace kb::crypto::eccsi
