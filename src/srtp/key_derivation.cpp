// RFC 3711 4.3 AES-CM key derivation (KDR 0) and the TS 33.180 7.4 master key from MIKEY.
#include "srtp/key_derivation.h"

#include <algorithm>
#include <array>
#include <string>

#include "crypto/aes.h"

namespace kb::srtp {

namespace {

constexpr size_t kKdfSaltSize = 14;
constexpr size_t kBlock = 16;

}  // namespace

Result<SecretBytes> DeriveSessionKey(ByteView master_key, ByteView master_salt_112, KeyLabel label,
                                     size_t out_len) {
  if (master_salt_112.size() != kKdfSaltSize) {
    return Fail(Error::InvalidArgument("SRTP KDF: master salt must be 14 octets, got " +
                                       std::to_string(master_salt_112.size())));
  }
  if (out_len > (size_t{1} << 20)) {
    return Fail(Error::InvalidArgument("SRTP KDF: output too long"));
  }
  // x = key_id XOR master_salt, key_id = label || r (48 bits, r = 0 with KDR 0), aligned right
  // in 112 bits: the label lands on octet 7. The counter block is x || i (16 bits).
  std::array<uint8_t, kBlock> block{};
  for (size_t i = 0; i < kKdfSaltSize; ++i) block[i] = master_salt_112[i];
  block[7] ^= static_cast<uint8_t>(label);
  SecretBytes out(out_len);
  auto dst = out.RevealMutable();
  for (size_t done = 0, counter = 0; done < out_len; ++counter) {
    block[14] = static_cast<uint8_t>(counter >> 8);
    block[15] = static_cast<uint8_t>(counter);
    KB_TRY(Bytes ks, crypto::AesEncryptBlock(master_key, block));
    SecretBytes wipe = SecretBytes::Adopt(std::move(ks));
    size_t n = std::min(kBlock, out_len - done);
    for (size_t i = 0; i < n; ++i) dst[done + i] = wipe.Reveal()[i];
    done += n;
  }
  SecureWipe(block.data(), block.size());
  return out;
}

Result<SecretBytes> SaltForKdf(ByteView master_salt) {
  if (master_salt.size() == kKdfSaltSize) return SecretBytes(master_salt);
  if (master_salt.size() != kMasterSaltSize) {
    return Fail(Error::InvalidArgument("SRTP master salt must be 12 (or 14) octets, got " +
                                       std::to_string(master_salt.size())));
  }
  SecretBytes s(kKdfSaltSize);
  auto d = s.RevealMutable();
  for (size_t i = 0; i < kMasterSaltSize; ++i) d[i] = master_salt[i];
  return s;
}

MasterKeyMaterial DeriveMasterKey(crypto::MikeyPrfFunc prf, ByteView tgk, uint8_t cs_id,
                                  uint32_t csb_id, ByteView rand) {
  return {
      crypto::MikeyDerive(prf, tgk, crypto::kMikeyTekConst, cs_id, csb_id, rand, kMasterKeySize),
      crypto::MikeyDerive(prf, tgk, crypto::kMikeySaltConst, cs_id, csb_id, rand, kMasterSaltSize),
  };
}

Bytes KeyIdMki(uint32_t key_id) {
  ByteWriter w(4);
  w.U32(key_id);
  return std::move(w).Take();
}

Bytes GmkMki(uint32_t gmk_id, uint32_t guk_id) {
  ByteWriter w(8);
  w.U32(gmk_id).U32(guk_id);
  return std::move(w).Take();
}

}  // namespace kb::srtp
