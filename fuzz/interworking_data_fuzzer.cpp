// libFuzzer target: the TS 23.283 10.12 interworking-data container decoder (and re-encoder).
#include <cstdint>
#include <cstdlib>

#include "mc/lmr_security_message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto decoded = kb::mc::DecodeInterworkingData(kb::ByteView(data, size));
  if (decoded) {
    // Whatever decodes must encode again and decode to the same message.
    auto encoded = kb::mc::EncodeInterworkingData(*decoded);
    if (!encoded) std::abort();
    auto again = kb::mc::DecodeInterworkingData(*encoded);
    if (!again || !(*again == *decoded)) std::abort();
  }
  return 0;
}
