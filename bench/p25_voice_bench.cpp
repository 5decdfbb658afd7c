// TIA-102.AAAD voice encryption throughput: IMBE frames encrypted per second, one superframe
// (18 frames, keystream generation and MI advance included) per iteration, and the AES-256
// encrypted-KMM data path.
#include <benchmark/benchmark.h>

#include "p25/data_crypto.h"
#include "p25/voice_crypto.h"

namespace {

using kb::p25::ImbeFrame;
using kb::p25::TrafficCipher;

void BM_P25VoiceEncrypt(benchmark::State& state, TrafficCipher cipher, size_t key_len) {
  kb::Bytes key(key_len, 0x3c);
  auto vc = kb::p25::VoiceCipher::Create(cipher, kb::SecretBytes(kb::ByteView(key)),
                                         kb::p25::MessageIndicator(0x123456789abcdef0));
  if (!vc) {
    state.SkipWithError(vc.error().ToString().c_str());
    return;
  }
  std::array<ImbeFrame, kb::p25::kImbeFramesPerSuperframe> frames{};
  for (auto _ : state) {
    if (!vc->ApplySuperframe(frames)) state.SkipWithError("encryption failed");
    benchmark::DoNotOptimize(frames);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(frames.size()));
}
BENCHMARK_CAPTURE(BM_P25VoiceEncrypt, Aes256, TrafficCipher::kAes256, 32);
BENCHMARK_CAPTURE(BM_P25VoiceEncrypt, DesOfb, TrafficCipher::kDesOfb, 8);
BENCHMARK_CAPTURE(BM_P25VoiceEncrypt, Adp, TrafficCipher::kAdp, 5);

void BM_P25EncryptKmm(benchmark::State& state) {
  kb::Bytes key(32, 0x3c);
  kb::Bytes kmm(80, 0x5a);
  kb::p25::MessageIndicator mi(0x7030f1f765692667);
  for (auto _ : state) benchmark::DoNotOptimize(kb::p25::EncryptData(key, mi, kmm));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kmm.size()));
}
BENCHMARK(BM_P25EncryptKmm);

}  // namespace
