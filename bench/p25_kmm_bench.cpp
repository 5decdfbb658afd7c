// TIA-102.AACA OTAR throughput: a KMF building and MAC-ing Rekey-Commands (one wrapped TEK,
// CMAC or CBC-MAC) and a subscriber unit verifying and processing them (unwrap, store, MAC'd
// Rekey-Acknowledgment).
#include <benchmark/benchmark.h>

#include "p25/key_wrap.h"
#include "p25/kmm_mac.h"
#include "p25/subscriber_unit.h"

namespace {

using namespace kb::p25;

constexpr uint16_t kUkekKid = 0x50BC;
constexpr uint32_t kSuRsi = 0x000102;

kb::SecretBytes Ukek() { return kb::SecretBytes(kb::Bytes(32, 0x49)); }
kb::SecretBytes Tek() { return kb::SecretBytes(kb::Bytes(32, 0x2A)); }

// What a KMF does per radio: wrap the TEK under the radio's UKEK, build, encode and MAC.
kb::Bytes BuildRekey(const kb::SecretBytes& ukek, const kb::SecretBytes& tek, uint16_t mn,
                     MacFormat format) {
  RekeyCommand c;
  c.decryption = {0x84, kUkekKid, std::nullopt};
  KeysetItem ks{0x00, 1, 0x84, 40, {}};
  ks.keys.push_back(KeyItem{0x00, 0x0001, 0x4983, kb::SecretBytes(*WrapKey(ukek, tek))});
  c.keysets.push_back(std::move(ks));
  KmmHeader h;
  h.response_kind = ResponseKind::kImmediate;
  h.destination_rsi = kSuRsi;
  h.source_rsi = kDefaultKmfRsi;
  h.message_number = mn;
  return *EncodeSignedKmm(Kmm{h, std::move(c), std::nullopt}, format, kUkekKid, ukek);
}

void BM_KmfBuildRekeyCommand(benchmark::State& state) {
  auto format = static_cast<MacFormat>(state.range(0));
  kb::SecretBytes ukek = Ukek();
  kb::SecretBytes tek = Tek();
  uint16_t mn = 0;
  for (auto _ : state) benchmark::DoNotOptimize(BuildRekey(ukek, tek, ++mn, format));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KmfBuildRekeyCommand)
    ->Arg(static_cast<int>(MacFormat::kCmac))
    ->Arg(static_cast<int>(MacFormat::kCbcMac));

void BM_SuProcessRekeyCommand(benchmark::State& state) {
  auto format = static_cast<MacFormat>(state.range(0));
  KeyStore keys;
  (void)keys.Put(kKekKeysetId, 0x84, kUkekKid, 1, Ukek());
  SubscriberUnitConfig cfg;
  cfg.individual_rsi = kSuRsi;
  cfg.message_number_period = MessageNumberWindow::kCheckDisabled;  // replay the same KMM
  SubscriberUnit su(cfg, std::move(keys));
  kb::Bytes kmm = BuildRekey(Ukek(), Tek(), 1, format);
  for (auto _ : state) {
    auto r = su.Process(kmm);
    if (!r || r->status != OperationStatus::kCommandPerformed) {
      state.SkipWithError("rekey not performed");
      break;
    }
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SuProcessRekeyCommand)
    ->Arg(static_cast<int>(MacFormat::kCmac))
    ->Arg(static_cast<int>(MacFormat::kCbcMac));

}  // namespace
