// Benchmarks of ECCSI (RFC 6507, RFC 6509 profile): sign, verify (cold and with a cached Y),
// KMS-side issue of SSK/PVT, and the user's validation. One thread each; ops/s = items_per_second.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>

#include "crypto/eccsi.h"
#include "crypto/random.h"

namespace {

using namespace kb::crypto::eccsi;

// A KMS, one user and a 100-octet message (about the part of an I_MESSAGE that is signed).
struct Fixture {
  KmsKeys kms = GenerateKmsKeys();
  kb::Bytes uid = kb::crypto::RandomBytes(32);
  UserKeys keys;
  kb::Bytes message = kb::crypto::RandomBytes(100);

  Fixture() {
    auto issued = IssueUserKeys(kms, uid);
    if (!issued) Die("issue");
    keys = std::move(*issued);
  }
  static void Die(const char* what) {
    std::fprintf(stderr, "eccsi_bench: %s failed\n", what);
    std::abort();
  }
  Signer MakeSigner() const {
    auto signer = Signer::Create(kms.kpak, uid, UserKeys{keys.ssk.Clone(), keys.pvt});
    if (!signer) Die("Signer::Create");
    return std::move(*signer);
  }
};

void BM_EccsiSign(benchmark::State& state) {
  Fixture f;
  Signer signer = f.MakeSigner();
  for (auto _ : state) {
    auto sig = signer.Sign(f.message);
    if (!sig) Fixture::Die("Sign");
    benchmark::DoNotOptimize(sig);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EccsiSign);

// Verify(): HS, Y = [HS]PVT + KPAK and the double multiplication, every time.
void BM_EccsiVerify(benchmark::State& state) {
  Fixture f;
  auto sig = f.MakeSigner().Sign(f.message);
  if (!sig) Fixture::Die("Sign");
  for (auto _ : state) {
    auto st = Verify(f.kms.kpak, f.uid, f.message, *sig);
    if (!st) Fixture::Die("Verify");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EccsiVerify);

// Verifier::Verify() with Y cached per (sender, key period): the double multiplication only.
void BM_EccsiVerifyCachedY(benchmark::State& state) {
  Fixture f;
  auto sig = f.MakeSigner().Sign(f.message);
  auto verifier = Verifier::Create(f.kms.kpak, f.uid, f.keys.pvt);
  if (!sig || !verifier) Fixture::Die("setup");
  for (auto _ : state) {
    auto st = verifier->Verify(f.message, *sig);
    if (!st) Fixture::Die("Verifier::Verify");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EccsiVerifyCachedY);

// KMS side: a fresh v, PVT = [v]G, HS, SSK (plus the [KSAK]G == KPAK consistency check).
void BM_EccsiIssue(benchmark::State& state) {
  Fixture f;
  for (auto _ : state) {
    auto keys = IssueUserKeys(f.kms, f.uid);
    if (!keys) Fixture::Die("IssueUserKeys");
    benchmark::DoNotOptimize(keys);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EccsiIssue);

// User side: PVT on the curve, HS, and [SSK]G == [HS]PVT + KPAK.
void BM_EccsiValidate(benchmark::State& state) {
  Fixture f;
  for (auto _ : state) {
    auto hs = ValidateUserKeys(f.kms.kpak, f.uid, f.keys);
    if (!hs) Fixture::Die("ValidateUserKeys");
    benchmark::DoNotOptimize(hs);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EccsiValidate);

}  // namespace
