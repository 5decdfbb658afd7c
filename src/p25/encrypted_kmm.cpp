// TIA-102.AAAD data encryption applied to KMMs (AES-256-OFB with the MI expansion).
#include "p25/encrypted_kmm.h"

#include <fmt/format.h>

#include <algorithm>

#include "crypto/aes.h"
#include "p25/algorithm_id.h"

namespace kb::p25 {
namespace {

constexpr size_t kAesBlock = 16;

// The next-MI LFSR of TIA-102.AAAD: x^64 + x^62 + x^46 + x^38 + x^27 + x^15 + 1, clocked 64
// times over MI[0..7]. Kept private here until the shared MI code lands on main.
uint64_t NextMi64(uint64_t r) {
  for (int i = 0; i < 64; ++i) {
    uint64_t fb = ((r >> 63) ^ (r >> 61) ^ (r >> 45) ^ (r >> 37) ^ (r >> 26) ^ (r >> 14)) & 1;
    r = (r << 1) | fb;
  }
  return r;
}

Result<Bytes> Crypt(const SecretBytes& key, const AuxiliaryEncryptionHeader& h, ByteView data) {
  if (h.algid != kAlgidAes256) {
    return Fail(Error::Unsupported(fmt::format("KMM encryption ALGID 0x{:02X}", h.algid)));
  }
  if (MiIsAllZeros(h.mi)) return Fail(Error::InvalidArgument("KMM encryption MI is all zeros"));
  Bytes iv = ExpandMiToAesIv(h.mi);
  KB_TRY(Bytes ks, crypto::AesOfbKeystream(key.Reveal(), iv, kAesBlock + data.size()));
  Bytes out(data.begin(), data.end());
  for (size_t i = 0; i < out.size(); ++i) out[i] ^= ks[kAesBlock + i];
  SecureWipe(ks.data(), ks.size());
  return out;
}

}  // namespace

bool MiIsAllZeros(const MiOctets& mi) {
  return std::all_of(mi.begin(), mi.begin() + 8, [](uint8_t b) { return b == 0; });
}

Bytes ExpandMiToAesIv(const MiOctets& mi) {
  ByteReader r(ByteView(mi).first(8));
  uint64_t m = *r.U64("MI");
  ByteWriter w(kAesBlock);
  w.U64(m).U64(NextMi64(m));
  return std::move(w).Take();
}

Result<Bytes> EncryptKmm(const SecretBytes& key, const AuxiliaryEncryptionHeader& header,
                         ByteView kmm) {
  ByteWriter w(kAuxiliaryEncryptionHeaderSize + kmm.size());
  KB_CHECK(EncodeAuxiliaryEncryptionHeader(header, w));
  KB_TRY(Bytes ct, Crypt(key, header, kmm));
  w.Append(ct);
  return std::move(w).Take();
}

Result<Bytes> DecryptKmm(const SecretBytes& key, const EncryptedKmm& encrypted) {
  return Crypt(key, encrypted.header, encrypted.ciphertext);
}

}  // namespace kb::p25
