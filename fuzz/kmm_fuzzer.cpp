// TIA-102.AACA KMM decoder fuzz target: decoding never reads out of bounds, whatever decodes
// re-encodes to the same octets (frame and typed body), and a subscriber unit that skips the MAC
// check processes any input without crashing.
#include <cstdint>
#include <cstdlib>

#include "p25/auxiliary_encryption_header.h"
#include "p25/kmm.h"
#include "p25/subscriber_unit.h"

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
  // The command handlers, reached without a valid MAC.
  kb::p25::KeyStore keys;
  (void)keys.Put(kb::p25::kKekKeysetId, 0x84, 0x50BC, 1, kb::SecretBytes(kb::Bytes(32, 0x49)));
  (void)keys.Put(1, 0x84, 0x4983, 2, kb::SecretBytes(kb::Bytes(32, 0x2A)));
  kb::p25::SubscriberUnitConfig cfg;
  cfg.individual_rsi = 0x000102;
  cfg.require_mac = false;
  cfg.accept_clear_keys = true;
  kb::p25::SubscriberUnit su(cfg, std::move(keys));
  if (auto r = su.Process(in); r && r->response) {
    if (!kb::p25::Kmm::Decode(*r->response)) std::abort();  // every response must decode
  }
  return 0;
}
