// TIA-102.AAAD AES-256 data/KMM encryption: OFB with the expanded MI as IV, first block dropped.
#include "p25/data_crypto.h"

#include <algorithm>
#include <string>

#include "crypto/aes.h"

namespace kb::p25 {

namespace {

constexpr size_t kDiscard = 16;

Result<Bytes> Crypt(ByteView key, const MessageIndicator& mi, ByteView in) {
  if (key.size() != 32) {
    return Fail(Error::InvalidArgument("AES-256 data key must be 32 octets, got " +
                                       std::to_string(key.size())));
  }
  if (mi.IsZero()) return Fail(Error::InvalidArgument("MI is all zero"));
  // OFB over (16 zero octets || in): the first block is the discarded keystream.
  Bytes buf(kDiscard + in.size(), 0);
  std::copy(in.begin(), in.end(), buf.begin() + kDiscard);
  auto iv = mi.AesIv();
  KB_TRY(Bytes out, crypto::AesOfb(key, iv, buf));
  return Bytes(out.begin() + kDiscard, out.end());
}

}  // namespace

Result<Bytes> EncryptData(ByteView key, const MessageIndicator& mi, ByteView plaintext) {
  return Crypt(key, mi, plaintext);
}

Result<Bytes> DecryptData(ByteView key, const MessageIndicator& mi, ByteView ciphertext) {
  return Crypt(key, mi, ciphertext);
}

}  // namespace kb::p25
