// NIST SP 800-38D AES-GCM with a key schedule kept across messages (for per-packet use such as
// SRTP, RFC 7714), on OpenSSL 3.
#pragma once

#include <memory>
#include <span>

#include "core/bytes.h"
#include "core/secret.h"

namespace kb::crypto {

// One AES-GCM key, expanded once, for many seal/open calls with 12-octet IVs. Not thread-safe
// (one per thread or per stream); movable, not copyable. The key schedule is wiped when the
// object is destroyed.
class AesGcmKey {
 public:
  // key: 16, 24 or 32 octets (kInvalidArgument otherwise).
  static Result<AesGcmKey> Create(ByteView key);

  AesGcmKey(AesGcmKey&&) noexcept;
  AesGcmKey& operator=(AesGcmKey&&) noexcept;
  ~AesGcmKey();

  static constexpr size_t kIvSize = 12;
  static constexpr size_t kTagSize = 16;

  // Encrypts plaintext into out (plaintext.size() + 16 octets: ciphertext || tag). out may
  // alias plaintext exactly (in place). iv must be 12 octets.
  Status Seal(ByteView iv, ByteView aad, ByteView plaintext, std::span<uint8_t> out) const;
  // Decrypts sealed (ciphertext || 16-octet tag) into out (sealed.size() - 16 octets); out may
  // alias the ciphertext exactly (in place). Fails with kCryptoFailure when the tag does not
  // verify, and then out holds no plaintext (it is wiped).
  Status Open(ByteView iv, ByteView aad, ByteView sealed, std::span<uint8_t> out) const;

 private:
  struct Contexts;
  explicit AesGcmKey(std::unique_ptr<Contexts> c);
  std::unique_ptr<Contexts> c_;
};

}  // namespace kb::crypto
