// libFuzzer target: RFC 3394 / RFC 5649 unwrap and AES-GCM open on untrusted input (the wrapped
// keys of KMMs and MIKEY extensions), plus the P25 MI parser and AES data decryption.
#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "crypto/aes.h"
#include "p25/data_crypto.h"
#include "p25/message_indicator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kb::ByteView in(data, size);
  if (in.size() < 32) return 0;
  kb::ByteView kek = in.first(32);
  kb::ByteView rest = in.subspan(32);
  // Unwrap either fails or yields exactly what wrapping it again reproduces.
  if (auto k = kb::crypto::AesKeyUnwrap(kek, rest)) {
    auto again = kb::crypto::AesKeyWrap(kek, k->Reveal());
    if (!again || !std::equal(again->begin(), again->end(), rest.begin(), rest.end())) std::abort();
  }
  if (auto k = kb::crypto::AesKeyUnwrapPad(kek, rest)) {
    auto again = kb::crypto::AesKeyWrapPad(kek, k->Reveal());
    if (!again || !std::equal(again->begin(), again->end(), rest.begin(), rest.end())) std::abort();
  }
  if (rest.size() >= 16) {
    (void)kb::crypto::AesGcmOpen(kek.first(16), rest.first(16), {}, rest.subspan(16));
  }
  if (rest.size() >= 9) {
    if (auto mi = kb::p25::MessageIndicator::Parse(rest.first(9))) {
      auto pt = kb::p25::DecryptData(kek, *mi, rest.subspan(9));
      if (pt) {
        auto ct = kb::p25::EncryptData(kek, *mi, *pt);
        if (!ct || !std::equal(ct->begin(), ct->end(), rest.begin() + 9, rest.end())) std::abort();
      } else if (!mi->IsZero()) {
        std::abort();
      }
    }
  }
  return 0;
}
