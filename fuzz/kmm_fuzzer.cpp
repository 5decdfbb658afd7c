// TIA-102.AACA KMM decoder fuzz target: decoding never reads out of bounds, and whatever decodes
// re-encodes to the same octets (frame and typed body).
#include <cstdint>
#include <cstdlib>

#include "p25/auxiliary_encryption_header.h"
#include "p25/kmm.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kb::ByteView in(data, size);
  if (auto frame = kb::p25::DecodeKmmFrame(in)) {
    auto again = kb::p25::EncodeKmmFrame(*frame);
    if (!again || *again != kb::Bytes(in.begin(), in.end())) std::abort();
  }
  if (auto kmm = kb::p25::Kmm::Decode(in)) {
    auto again = kmm->Encode();
    if (!again || *again != kb::Bytes(in.begin(), in.end())) std::abort();
  }
  if (auto enc = kb::p25::DecodeEncryptedKmm(in)) {
    kb::ByteWriter w;
    if (!kb::p25::EncodeAuxiliaryEncryptionHeader(enc->header, w)) std::abort();
    w.Append(enc->ciphertext);
    if (w.bytes() != kb::Bytes(in.begin(), in.end())) std::abort();
  }
  return 0;
}
