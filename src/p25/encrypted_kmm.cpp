// TIA-102.AAAD data encryption applied to KMMs (AES-256-OFB with the MI expansion).
#include "p25/encrypted_kmm.h"

#include <fmt/format.h>

#include <algorithm>

#include "p25/algorithm_id.h"
#include "p25/data_crypto.h"
#include "p25/message_indicator.h"

namespace kb::p25 {
namespace {

// The AAAD data keystream (AES-256-OFB, IV = MI || LFSR64(MI), 16 octets discarded) is shared
// with data PDUs: p25/data_crypto.h.
Result<Bytes> Crypt(const SecretBytes& key, const AuxiliaryEncryptionHeader& h, ByteView data) {
  if (h.algid != kAlgidAes256) {
    return Fail(Error::Unsupported(fmt::format("KMM encryption ALGID 0x{:02X}", h.algid)));
  }
  if (MiIsAllZeros(h.mi)) return Fail(Error::InvalidArgument("KMM encryption MI is all zeros"));
  KB_TRY(MessageIndicator mi, MessageIndicator::Parse(h.mi));
  return EncryptData(key.Reveal(), mi, data);
}

}  // namespace

bool MiIsAllZeros(const MiOctets& mi) {
  return std::all_of(mi.begin(), mi.begin() + 8, [](uint8_t b) { return b == 0; });
}

Bytes ExpandMiToAesIv(const MiOctets& mi) {
  auto iv = (*MessageIndicator::Parse(mi)).AesIv();  // 9 octets always parse
  return Bytes(iv.begin(), iv.end());
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
