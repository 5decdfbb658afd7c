// TS 33.180 E.1.2 I_MESSAGE decoder fuzz target: any input either fails cleanly or decodes to a
// message that re-encodes to exactly the same octets.
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "mikey/i_message.h"
#include "mikey/key_parameters.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kb::ByteView input(data, size);
  auto m = kb::mikey::IMessage::Decode(input);
  if (m) {
    auto again = m->Encode();
    if (!again || again->size() != size || std::memcmp(again->data(), data, size) != 0) {
      std::abort();
    }
    if (m->signed_length < 2 || m->signed_length > size) std::abort();
    if (const auto* ge = m->FindExtension(kb::mikey::GeneralExtensionType::kSakkeToSelf)) {
      if (!ge->InnerSakke()) std::abort();  // the decoder checked it already
    }
  }
  // The key parameters plaintext codec sees the same bytes.
  auto k = kb::mikey::KeyParameters::Decode(input);
  if (k) {
    auto again = k->Encode();
    if (!again || again->size() != size || std::memcmp(again->data(), data, size) != 0) {
      std::abort();
    }
  }
  return 0;
}
