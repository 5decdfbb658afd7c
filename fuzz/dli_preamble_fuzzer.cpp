// TIA-102.AACD DLI preamble (Version 0, 14 octets) fuzz target: splitting a datagram never reads
// out of bounds, whatever splits re-encodes to the same octets, and the IWF's KMM header reader
// only accepts a KMM whose Message Length matches.
#include <cstdint>
#include <cstdlib>

#include "iwf/dli_preamble.h"
#include "iwf/kmm_route.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  kb::ByteView in(data, size);
  if (auto dg = kb::iwf::DecodeDliDatagram(in)) {
    if (dg->kmm.empty() || size != kb::iwf::kDliPreambleSize + dg->kmm.size()) std::abort();
    if (kb::iwf::EncodeDliDatagram(dg->preamble, dg->kmm) != kb::Bytes(in.begin(), in.end()))
      std::abort();
    if (auto route = kb::iwf::ReadKmmRoute(dg->kmm)) {
      if (route->destination_rsi > 0xFFFFFF || route->source_rsi > 0xFFFFFF) std::abort();
      if (((size_t{dg->kmm[1]} << 8) | dg->kmm[2]) + 3 != dg->kmm.size()) std::abort();
    }
  }
  if (auto p = kb::iwf::DecodeDliPreamble(in)) {
    if (size != kb::iwf::kDliPreambleSize ||
        kb::iwf::EncodeDliPreamble(*p) != kb::Bytes(in.begin(), in.end()))
      std::abort();
  }
  return 0;
}
