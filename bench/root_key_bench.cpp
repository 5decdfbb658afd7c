// keybridge extension (seed pCR for TS 23.283 root key distribution): LMR root keys distributed
// per second end to end: per user the IWF's GET of the element, SAKKE encapsulation + ECCSI
// signature (the I_MESSAGE), the XCAP PUT with If-Match into the CMS engine (token check, rules,
// SQLite store) and the xcap-diff NOTIFY to the user's subscription over SIP/UDP on loopback.
// Also the single-message cost, to show where the time goes. docs/root-key-distribution.md.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>

#include "cms/user_profile.h"
#include "cms/xcap_uri.h"
#include "cms_service/cms_service.h"
#include "cms_service/xcap_diff_notifier.h"
#include "crypto/eccsi.h"
#include "crypto/random.h"
#include "crypto/sakke.h"
#include "idms/jwt.h"
#include "iwf/root_key_distributor.h"
#include "mikey/lmr_root_key_message.h"
#include "store/sqlite_cms_store.h"

namespace {

using namespace kb;
namespace fs = std::filesystem;

const NtpTime kNow = NtpTime::FromSeconds(3'900'000'000u);
constexpr const char* kIwf = "sip:iwf@example.org";

// CPU seconds used by every thread of this process so far (user + system).
double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

template <typename T>
T Must(Result<T> r) {
  if (!r) {
    std::fprintf(stderr, "bench setup: %s\n", r.error().ToString().c_str());
    std::abort();
  }
  return std::move(*r);
}

// The KMS public keys and the IWF's signer.
struct Keys {
  crypto::sakke::KmsKeys sakke = crypto::sakke::GenerateKmsKeys();
  crypto::eccsi::KmsKeys eccsi = crypto::eccsi::GenerateKmsKeys();
  std::unique_ptr<crypto::sakke::Community> community;
  mikey::KmsPublicKeys pub;
  std::unique_ptr<crypto::eccsi::Signer> signer;
  uint64_t period = 0;
  Keys() {
    pub.kms_uri = "kms.example.org";
    pub.z = sakke.z_pub;
    pub.kpak = eccsi.kpak;
    community = std::make_unique<crypto::sakke::Community>(
        Must(crypto::sakke::Community::Create(sakke.z_pub)));
    pub.community = community.get();
    period = pub.period.NumberAt(kNow);
    crypto::Uid uid = pub.UidAt(kIwf, kNow);
    signer = std::make_unique<crypto::eccsi::Signer>(Must(crypto::eccsi::Signer::Create(
        pub.kpak, uid, Must(crypto::eccsi::IssueUserKeys(eccsi, uid)))));
  }
  mikey::Initiator iwf() const { return {kIwf, &pub, signer.get(), period}; }
  static const Keys& Get() {
    static const Keys* k = new Keys();
    return *k;
  }
};

void BM_RootKeyIMessage(benchmark::State& state) {
  const Keys& k = Keys::Get();
  mikey::RootKey root{{mikey::LmrType::kP25, mikey::RootKeyKind::kP25Ukek, 0x84, 1, 1, "UKEK-1"},
                      crypto::RandomSecret(32)};
  mikey::RootKeyCreateOptions o;
  o.now = kNow;
  for (auto _ : state) {
    auto m = mikey::CreateRootKeyIMessage(k.iwf(), {"sip:user1@example.org", &k.pub}, root, o);
    benchmark::DoNotOptimize(m);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RootKeyIMessage)->Unit(benchmark::kMillisecond);

void BM_SakkeEncapsulate(benchmark::State& state) {
  const Keys& k = Keys::Get();
  SecretBytes ssv = crypto::RandomSecret(16);
  crypto::Uid uid = k.pub.UidAt("sip:user1@example.org", kNow);
  for (auto _ : state) benchmark::DoNotOptimize(k.community->Encapsulate(ssv, uid));
}
BENCHMARK(BM_SakkeEncapsulate)->Unit(benchmark::kMillisecond);

void BM_EccsiSign(benchmark::State& state) {
  const Keys& k = Keys::Get();
  Bytes msg(600, 0x42);
  for (auto _ : state) benchmark::DoNotOptimize(k.signer->Sign(msg));
}
BENCHMARK(BM_EccsiSign)->Unit(benchmark::kMicrosecond);

// The whole path for state.range(0) users with state.range(1) workers. Every user has a profile
// and a live xcap-diff subscription; each iteration rotates every user's key (a full run).
void BM_DistributeEndToEnd(benchmark::State& state) {
  const Keys& k = Keys::Get();
  const size_t n = static_cast<size_t>(state.range(0));
  fs::path dir = fs::temp_directory_path() / ("kb-rkbench-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  idms::JwtSigner jwt = idms::JwtSigner::Generate();
  auto verifier = Must(idms::JwtVerifier::FromPublicKeyPem(jwt.PublicKeyPem(), "idms", "cms"));
  auto store = Must(store::SqliteCmsStore::Open(dir / "cms.sqlite"));
  cms_service::CmsServiceOptions co;
  co.policy.iwf_identities = {kIwf};
  co.policy.administrators = {"admin"};
  cms_service::CmsService cms(*store, verifier, co);
  auto unix_now = [] { return NtpTime::Now().unix_seconds(); };
  auto token = [&](std::string sub) {
    idms::JwtClaims c;
    c.sub = std::move(sub);
    c.iss = "idms";
    c.aud = {"cms"};
    c.iat = unix_now();
    c.exp = c.iat + 3600;
    return jwt.Sign(c);
  };

  // The CMS's SIP UA and the subscribers' UA (one stack for every user, answering 200).
  net::SipStackConfig sc;
  sc.enable_tcp = false;
  auto cms_stack = Must(net::SipStack::Start(sc));
  auto ua = Must(net::SipStack::Start(sc));
  std::atomic<size_t> notified{0};
  ua->SetRequestHandler([&](std::shared_ptr<net::IncomingRequest> r) {
    r->Respond(200, "OK");
    notified++;
  });
  cms_service::NotifierOptions no;
  no.contact = "sip:cms@127.0.0.1:" + std::to_string(cms_stack->udp_port());
  auto notifier = std::make_unique<cms_service::XcapDiffNotifier>(*cms_stack, cms, no, unix_now);
  cms.SetChangeListener([&](const cms_service::DocumentChange& c) { notifier->OnChange(c); });
  cms_stack->SetRequestHandler(
      [&](std::shared_ptr<net::IncomingRequest> r) { notifier->OnRequest(r); });

  iwf::InProcessXcapTransport admin(cms, token("admin"), unix_now);
  std::vector<std::string> users;
  for (size_t i = 0; i < n; ++i) {
    std::string u = "sip:user" + std::to_string(i) + "@example.org";
    users.push_back(u);
    cms::UserProfile p;
    p.mc_id = u;
    p.profile_index = 1;
    p.lmr_kmf_uri = "sip:kmf@lmr.example.org";
    Must(admin.Send(
        "PUT",
        std::string(cms_service::kXcapRootPath) + "/" + cms::UserProfileDocumentSelector(u, 1), {},
        Must(cms::SerializeUserProfile(p)), ""));
    auto sub = Must(ua->NewRequest("SUBSCRIBE", "sip:cms@example.org", "sip:cms@example.org", u));
    (void)sub.AddHeader("Event", "xcap-diff");
    (void)sub.AddHeader("Contact", "<sip:u@127.0.0.1:" + std::to_string(ua->udp_port()) + ">");
    (void)sub.AddHeader(cms_service::kAccessTokenHeader, token(u));
    auto p2 = std::make_shared<std::promise<void>>();
    auto f = p2->get_future();
    ua->SendRequest(std::move(sub), cms_stack->LocalEndpoint(net::Transport::kUdp),
                    [p2](Result<net::SipMessage>) { p2->set_value(); });
    f.wait();
  }
  iwf::InProcessXcapTransport as_iwf(cms, token(kIwf), unix_now);
  iwf::DistributorOptions o;
  o.data_dir = dir / "iwf";
  o.storage_key = crypto::RandomSecret(32);
  o.clock = [] { return kNow; };
  o.workers = static_cast<unsigned>(state.range(1));
  o.rotate = true;
  iwf::DistributionReport total;
  size_t done = 0;
  double cpu = 0;
  for (auto _ : state) {
    double cpu0 = ProcessCpuSeconds();
    auto r = iwf::DistributeRootKeys(users, {k.iwf(), &k.pub}, as_iwf, o);
    if (!r || r->distributed != n) {
      state.SkipWithError("distribution failed");
      break;
    }
    cpu += ProcessCpuSeconds() - cpu0;
    done += r->distributed;
    total.crypto_seconds += r->crypto_seconds;
    total.xcap_seconds += r->xcap_seconds;
    total.journal_seconds += r->journal_seconds;
    total.seconds += r->seconds;
  }
  // Let the last NOTIFYs arrive before tearing down.
  for (int i = 0; i < 200 && notified.load() < done + n; ++i) usleep(10000);
  state.SetItemsProcessed(static_cast<int64_t>(done));
  double per_user_ms = done ? 1000.0 / static_cast<double>(done) : 0;
  state.counters["crypto_ms_per_key"] = total.crypto_seconds * per_user_ms;
  state.counters["xcap_ms_per_key"] = total.xcap_seconds * per_user_ms;
  state.counters["journal_ms_per_key"] = total.journal_seconds * per_user_ms;
  state.counters["notifies"] = static_cast<double>(notified.load());
  // CPU time of all threads per key: what a 2-core machine with nothing else to do divides
  // by 2 (the workers keep both cores busy).
  double cpu_ms = done ? cpu * 1000.0 / static_cast<double>(done) : 0;
  state.counters["cpu_ms_per_key"] = cpu_ms;
  state.counters["100k_users_2cores_s"] = cpu_ms * 100000.0 / 1000.0 / 2.0;
  state.counters["100k_users_wall_s"] =
      done && total.seconds > 0 ? 100000.0 * total.seconds / static_cast<double>(done) : 0;
  cms.SetChangeListener(nullptr);
  cms_stack.reset();
  notifier.reset();
  ua.reset();
  fs::remove_all(dir);
}
BENCHMARK(BM_DistributeEndToEnd)
    ->Args({512, 1})
    ->Args({512, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(2);

}  // namespace
