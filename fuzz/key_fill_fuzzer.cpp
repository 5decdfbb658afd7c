// keybridge key-fill file (docs/key-fill-file.md) and client SU state (docs/client.md) fuzz
// target: the parsers never read out of bounds; whatever parses formats to something that
// parses to the same fields; a decoded SU state re-encodes to the same octets.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "client/key_fill_file.h"
#include "client/su_state.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto fill = kb::client::ParseKeyFill(text)) {
    auto again = kb::client::FormatKeyFill(*fill);
    if (!again) std::abort();
    auto back = kb::client::ParseKeyFill(kb::AsString(again->Reveal()));
    if (!back || back->rsi != fill->rsi || back->algid != fill->algid || back->kid != fill->kid ||
        back->keyset != fill->keyset || back->sln != fill->sln || back->name != fill->name ||
        !(back->key == fill->key)) {
      std::abort();
    }
  }
  kb::ByteView in(data, size);
  if (auto state = kb::client::DecodeSuState(in)) {
    kb::client::ClientExtras extras = state->extras;
    std::optional<uint8_t> active = state->keys.active_tek_keyset();
    kb::p25::SubscriberUnit su = kb::client::MakeSubscriberUnit(*state, true, false);
    if (su.keys().active_tek_keyset() != active) std::abort();
    auto again = kb::client::EncodeSuState(su, extras);
    if (!again || kb::Bytes(again->Reveal().begin(), again->Reveal().end()) !=
                      kb::Bytes(in.begin(), in.end())) {
      std::abort();
    }
  }
  return 0;
}
