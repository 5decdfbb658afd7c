// Benchmarks of the core codecs: hex and base64 of a 701-octet I_MESSAGE-sized buffer.
#include <benchmark/benchmark.h>

#include "core/encoding.h"

namespace {

void BM_Base64Encode(benchmark::State& state) {
  kb::Bytes data(701, 0x5a);
  for (auto _ : state) benchmark::DoNotOptimize(kb::ToBase64(data));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_Base64Encode);

}  // namespace
