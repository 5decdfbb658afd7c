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
// kCryptoFailure when the signature does not verify, kMalformed when it cannot be parsed
// (length not 129, r not in [1, p-1], s not in [1, q-1], PVT not an uncompressed point on the
// curve) or when kpak is not such a point.
Status Verify(ByteView kpak, ByteView id, ByteView message, ByteView signature);

// The verifier of one signer: KPAK, ID and PVT fixed, with HS and Y = [HS]PVT + KPAK (RFC 6507
// 5.2.2 steps 2 and 4) computed once, so that a receiver can keep one per (sender, key period).
// Immutable after Create(); Verify() may be called from any thread.
class Verifier {
 public:
  // Fails with kMalformed when kpak or pvt is not an uncompressed point on the curve.
  static Result<Verifier> Create(ByteView kpak, ByteView id, ByteView pvt);
  ~Verifier();
  Verifier(Verifier&&) noexcept;
  Verifier& operator=(Verifier&&) noexcept;

  // As the free Verify(); a signature whose PVT differs from this verifier's fails with
  // kCryptoFailure (it was made with another key: build another verifier).
  Status Verify(ByteView message, ByteView signature) const;

  ByteView pvt() const;
  ByteView hs() const;
  // Y = [HS]PVT + KPAK, 65 octets.
  ByteView y() const;

 private:
  struct State;
  explicit Verifier(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace kb::crypto::eccsi
