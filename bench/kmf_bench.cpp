// TIA-102.AACA KMF: a full rekey campaign computed by the KMF engine on one core: for every unit
// a Rekey-Command with its TEKs wrapped under its UKEK, MAC'd with its MAC key and the next MN.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>

#include "crypto/random.h"
#include "kmf/kmf_engine.h"
#include "kmf/memory_kmf_store.h"
#include "store/sqlite_kmf_store.h"

namespace kb::kmf {
namespace {

const TimePoint kT0 = FromMillis(1'700'000'000'000);

// One organisation, `units` radios in one group that needs SLNs 1 and 2, keysets 1 and 2: four
// AES-256 TEKs per Rekey-Command. Alternate units use CMAC and CBC-MAC.
void Populate(KmfEngine& e, KmfStore& store, int units) {
  (void)e.AddOrganisation({"police", "Police"});
  for (int ks = 1; ks <= 2; ++ks)
    for (int sln = 1; sln <= 2; ++sln)
      (void)e.PutTek("police", {"",
                                {static_cast<uint8_t>(ks), static_cast<uint16_t>(sln),
                                 static_cast<uint16_t>(ks << 8 | sln), 0x84},
                                crypto::RandomSecret(32)});
  Group g{"police", "all", false, {}, {1, 2}};
  (void)store.Begin();
  for (int i = 1; i <= units; ++i) {
    Unit u;
    u.rsi = static_cast<Rsi>(i);
    u.ukek = {0x84, 1, crypto::RandomSecret(32)};
    u.mac_key = {0x84, 2, crypto::RandomSecret(32)};
    u.mac_format = i % 2 ? MacFormat::kCmac : MacFormat::kCbcMac;
    (void)e.AddUnit("police", std::move(u));
    g.members.push_back(static_cast<Rsi>(i));
  }
  (void)e.PutGroup("police", std::move(g));
  (void)store.Commit();
}

void RunCampaign(benchmark::State& state, KmfEngine& e, int units) {
  size_t bytes = 0;
  for (auto _ : state) {
    auto id = e.RekeyGroup("police", "all", kT0);
    auto out = e.Tick(kT0);
    if (!id || !out || out->size() != static_cast<size_t>(units)) {
      state.SkipWithError("campaign did not produce one KMM per unit");
      return;
    }
    for (const auto& o : *out) bytes += o.kmm.size();
    benchmark::DoNotOptimize(out->data());
  }
  state.counters["units"] = units;
  state.counters["kmm_octets_avg"] =
      static_cast<double>(bytes) / static_cast<double>(units * state.iterations());
  state.counters["units_per_s"] =
      benchmark::Counter(static_cast<double>(units), benchmark::Counter::kIsIterationInvariantRate);
}

// The whole 100,000-unit campaign (memory store): campaign creation + Tick building every KMM.
void BM_KmfRekeyCampaignMemory(benchmark::State& state) {
  int units = static_cast<int>(state.range(0));
  MemoryKmfStore store;
  KmfEngine e(store);
  Populate(e, store, units);
  RunCampaign(state, e, units);
}
BENCHMARK(BM_KmfRekeyCampaignMemory)->Arg(100'000)->Iterations(1)->Unit(benchmark::kSecond);

// The same on the SQLite store (keys unsealed with AES-GCM, task state persisted), 10,000 units.
void BM_KmfRekeyCampaignSqlite(benchmark::State& state) {
  int units = static_cast<int>(state.range(0));
  auto dir = std::filesystem::temp_directory_path() / ("kb_kmf_bench_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  {
    auto store = store::SqliteKmfStore::Open((dir / "kmf.db").string(), crypto::RandomSecret(32));
    if (!store) {
      state.SkipWithError("cannot open the SQLite store");
      return;
    }
    KmfEngine e(**store);
    Populate(e, **store, units);
    RunCampaign(state, e, units);
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_KmfRekeyCampaignSqlite)->Arg(10'000)->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace
}  // namespace kb::kmf
