// TS 33.180 E.2: cost of creating and of opening a GMK I_MESSAGE (SAKKE encapsulation + ECCSI
// signature; ECCSI verification + SAKKE decapsulation), with the community fast paths.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>

#include "crypto/eccsi.h"
#include "crypto/sakke.h"
#include "mikey/i_message_builder.h"
#include "mikey/i_message_opener.h"

namespace {

using namespace kb;
using namespace kb::mikey;

const NtpTime kNow = NtpTime::FromSeconds(3'900'000'000u);

// A KMS, the GMS (signer) and one member (receiver), built once.
struct BenchCommunity {
  crypto::sakke::KmsKeys sakke = crypto::sakke::GenerateKmsKeys();
  crypto::eccsi::KmsKeys eccsi = crypto::eccsi::GenerateKmsKeys();
  std::unique_ptr<crypto::sakke::Community> community;
  KmsPublicKeys pub;
  std::unique_ptr<crypto::eccsi::Signer> gms_signer;
  std::unique_ptr<crypto::sakke::Receiver> member;
  uint64_t period = 0;

  BenchCommunity() {
    pub.kms_uri = "kms.example.org";
    pub.z = sakke.z_pub;
    pub.kpak = eccsi.kpak;
    community = std::make_unique<crypto::sakke::Community>(
        Must(crypto::sakke::Community::Create(sakke.z_pub)));
    pub.community = community.get();
    period = pub.period.NumberAt(kNow);
    crypto::Uid gms_uid = pub.UidAt("sip:gms@example.org", kNow);
    gms_signer = std::make_unique<crypto::eccsi::Signer>(Must(crypto::eccsi::Signer::Create(
        pub.kpak, gms_uid, Must(crypto::eccsi::IssueUserKeys(eccsi, gms_uid)))));
    crypto::Uid member_uid = pub.UidAt("sip:bob@example.org", kNow);
    member = std::make_unique<crypto::sakke::Receiver>(Must(crypto::sakke::Receiver::Create(
        *community, member_uid, Must(crypto::sakke::IssueRsk(sakke, member_uid)))));
  }

  template <typename T>
  static T Must(Result<T> r) {
    if (!r) std::abort();
    return std::move(*r);
  }

  Initiator gms() const { return {"sip:gms@example.org", &pub, gms_signer.get(), period}; }
  Responder bob() const { return {"sip:bob@example.org", &pub}; }
  ReceiverIdentity bob_receiver() const {
    return {"sip:bob@example.org", &pub, {{period, member.get()}}};
  }

  static const BenchCommunity& Get() {
    static const BenchCommunity* c = new BenchCommunity();
    return *c;
  }
};

DistributedKey Gmk() {
  SecretBytes key(16);
  for (size_t i = 0; i < 16; ++i) key.RevealMutable()[i] = static_cast<uint8_t>(i * 11);
  return {crypto::PurposeTag::kGmk, 0x0A1B2C3D, std::move(key)};
}

void BM_MikeyCreateGmk(benchmark::State& state) {
  const BenchCommunity& c = BenchCommunity::Get();
  DistributedKey gmk = Gmk();
  CreateOptions o;
  o.now = kNow;
  for (auto _ : state) {
    auto m = CreateIMessage(c.gms(), c.bob(), gmk, o);
    if (!m) state.SkipWithError("create failed");
    benchmark::DoNotOptimize(m);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MikeyCreateGmk)->Unit(benchmark::kMillisecond);

void BM_MikeyOpenGmk(benchmark::State& state) {
  const BenchCommunity& c = BenchCommunity::Get();
  CreateOptions co;
  co.now = kNow;
  auto m = CreateIMessage(c.gms(), c.bob(), Gmk(), co);
  if (!m) {
    state.SkipWithError("create failed");
    return;
  }
  ReceiverIdentity me = c.bob_receiver();
  OpenOptions oo;
  oo.now = kNow;
  for (auto _ : state) {
    auto opened = OpenIMessage(m->message, me, oo);
    if (!opened) state.SkipWithError("open failed");
    benchmark::DoNotOptimize(opened);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MikeyOpenGmk)->Unit(benchmark::kMillisecond);

void BM_MikeyDecodeGmk(benchmark::State& state) {
  const BenchCommunity& c = BenchCommunity::Get();
  CreateOptions co;
  co.now = kNow;
  auto m = CreateIMessage(c.gms(), c.bob(), Gmk(), co);
  if (!m) {
    state.SkipWithError("create failed");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(IMessage::Decode(m->message));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * m->message.size()));
}
BENCHMARK(BM_MikeyDecodeGmk);

}  // namespace
