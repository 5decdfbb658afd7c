// libFuzzer target: the TS 24.282 clause 15 SDS signalling and data payload decoders.
#include <cstdint>
#include <cstdlib>

#include "mc/sds_message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kb::ByteView in(data, size);
  if (auto s = kb::mc::DecodeSdsSignallingPayload(in)) {
    auto enc = kb::mc::EncodeSdsSignallingPayload(*s);
    if (!enc) std::abort();
    auto again = kb::mc::DecodeSdsSignallingPayload(*enc);
    if (!again || !(*again == *s)) std::abort();
  }
  if (auto d = kb::mc::DecodeSdsDataPayload(in)) {
    auto enc = kb::mc::EncodeSdsDataPayload(*d);
    if (!enc) std::abort();
    auto again = kb::mc::DecodeSdsDataPayload(*enc);
    if (!again || !(*again == *d)) std::abort();
  }
  return 0;
}
