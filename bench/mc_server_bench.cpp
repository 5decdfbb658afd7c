// TS 23.283 10.12 MC service server throughput: non-3GPP security message requests relayed
// client -> server -> IWF endpoint, and the IWF's 10.12 response relayed back, on loopback TCP
// with the SQLite store, at 1, 100 and 10,000 registered clients. Reports relayed messages per
// second, round-trip latency p50/p99 (client send -> response received at the client) and the
// server's CPU per relayed message (its SIP thread + store thread, CLOCK_THREAD_CPUTIME_ID).
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>
#include <unordered_map>

#include "mc_endpoint/mc_endpoint.h"
#include "mc_server/mc_server.h"
#include "net/register_client.h"
#include "store/sqlite_message_store.h"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace mce = kb::mc_endpoint;

constexpr size_t kRoundTrips = 10000;  // each = 2 relayed messages
constexpr size_t kWindow = 64;         // requests in flight from the client

kb::SecretBytes Password(std::string_view user) {
  return kb::SecretBytes(kb::AsBytes(std::string(user) + "-pw"));
}

std::unique_ptr<mce::McEndpoint> Endpoint(const std::string& user, kb::net::SipEndpoint server) {
  mce::McEndpointConfig c;
  c.identity = "sip:" + user + "@example.org";
  c.password = Password(user + "@example.org");
  c.server = server;
  auto e = mce::McEndpoint::Start(std::move(c));
  if (!e) std::abort();
  return std::move(*e);
}

// Registers `n` more users (u0..) with one contact each from one helper stack.
void RegisterMany(kb::net::SipStack& helper, kb::net::SipEndpoint server, size_t n) {
  std::mutex mu;
  std::condition_variable cv;
  size_t in_flight = 0, done = 0, failed = 0;
  uint16_t port = helper.tcp_port();
  for (size_t i = 0; i < n; ++i) {
    {
      std::unique_lock l(mu);
      cv.wait(l, [&] { return in_flight < 128; });
      ++in_flight;
    }
    std::string user = "u" + std::to_string(i);
    kb::net::RegistrationRequest r;
    r.aor = "sip:" + user + "@example.org";
    r.contact = "sip:" + user + "@127.0.0.1:" + std::to_string(port) + ";transport=tcp";
    r.password = Password(user + "@example.org");
    r.registrar = server;
    kb::net::Register(helper, std::move(r), [&](kb::Result<kb::net::SipMessage> res) {
      std::lock_guard l(mu);
      if (!res || res->StatusCode() != 200) ++failed;
      --in_flight;
      ++done;
      cv.notify_all();
    });
  }
  std::unique_lock l(mu);
  cv.wait(l, [&] { return done == n; });
  if (failed != 0) std::abort();
}

void BM_McServerRelay(benchmark::State& state) {
  spdlog::set_level(spdlog::level::warn);
  size_t clients = static_cast<size_t>(state.range(0));
  auto dir = std::filesystem::temp_directory_path() / ("kb-mcbench-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto store = kb::store::SqliteMessageStore::Open(dir / "m.sqlite");
  if (!store) std::abort();
  kb::net::SipStackConfig sc;
  sc.enable_udp = false;
  auto stack = kb::net::SipStack::Start(sc);
  if (!stack) std::abort();
  kb::mc_server::McServerConfig mc;
  mc.entities = {{"sip:iwf@example.org", kb::mc_server::EntityKind::kIwf}};
  kb::mc_server::McServer server(
      mc, [](std::string_view u) -> std::optional<kb::SecretBytes> { return Password(u); },
      [](std::string_view) { return true; }, **store, **stack);
  if (!server.Start()) std::abort();
  auto at = (*stack)->LocalEndpoint(kb::net::Transport::kTcp);

  auto iwf = Endpoint("iwf", at);
  auto alice = Endpoint("alice", at);
  kb::net::SipStackConfig hc;
  hc.enable_udp = false;
  auto helper = kb::net::SipStack::Start(hc);
  if (!helper) std::abort();
  (*helper)->SetRequestHandler(
      [](std::shared_ptr<kb::net::IncomingRequest> in) { in->Respond(200, "OK"); });
  mce::McEndpoint* iwf_raw = iwf.get();
  iwf->SetMessageHandler([iwf_raw](const mce::ReceivedMessage& m) -> kb::Status {
    iwf_raw->SendResponse(m, [](kb::Result<mce::SendOutcome>) {});
    return kb::Ok();
  });
  std::mutex mu;
  std::condition_variable cv;
  size_t outstanding = 0, answered = 0;
  std::unordered_map<uint64_t, Clock::time_point> sent_at;
  std::vector<double> latencies_us;
  latencies_us.reserve(kRoundTrips);
  alice->SetMessageHandler([&](const mce::ReceivedMessage& m) -> kb::Status {
    auto id = mce::MessageIdOf(m.body);
    uint64_t key = 0;
    for (int i = 0; i < 8; ++i) key = key << 8 | (*id)[i];
    std::lock_guard l(mu);
    auto it = sent_at.find(key);
    if (it != sent_at.end()) {
      latencies_us.push_back(
          std::chrono::duration<double, std::micro>(Clock::now() - it->second).count());
      sent_at.erase(it);
      --outstanding;
      ++answered;
      cv.notify_all();
    }
    return kb::Ok();
  });
  iwf->Register();
  alice->Register();
  if (!iwf->WaitRegistered(10s) || !alice->WaitRegistered(10s)) std::abort();
  if (clients > 1) RegisterMany(**helper, at, clients - 1);

  for (auto _ : state) {
    auto cpu0 = server.CpuTime();
    auto t0 = Clock::now();
    for (uint64_t n = 0; n < kRoundTrips; ++n) {
      kb::mc::MessageId id{};
      for (int i = 0; i < 8; ++i) id[i] = static_cast<uint8_t>(n >> (56 - 8 * i));
      id[15] = 1;
      {
        std::unique_lock l(mu);
        cv.wait(l, [&] { return outstanding < kWindow; });
        ++outstanding;
        sent_at[n] = Clock::now();
      }
      alice->Send("sip:iwf@example.org",
                  kb::mc::SecurityMessageRequest{"sip:alice@example.org", "sip:iwf@example.org",
                                                 kb::mc::LmrType::kP25, kb::Bytes(64, 0x5a), id},
                  [](kb::Result<mce::SendOutcome> r) {
                    if (!r || !r->accepted()) std::abort();
                  });
    }
    std::unique_lock l(mu);
    if (!cv.wait_for(l, 60s, [&] { return answered == kRoundTrips; })) std::abort();
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    auto cpu = server.CpuTime() - cpu0;
    std::sort(latencies_us.begin(), latencies_us.end());
    double relayed = 2.0 * kRoundTrips;
    state.counters["relayed_msgs_per_s"] = relayed / secs;
    state.counters["rtt_p50_us"] = latencies_us[latencies_us.size() / 2];
    state.counters["rtt_p99_us"] = latencies_us[latencies_us.size() * 99 / 100];
    state.counters["server_cpu_us_per_msg"] =
        std::chrono::duration<double, std::micro>(cpu).count() / relayed;
    state.counters["registered_contacts"] =
        static_cast<double>(server.Counters()["registered_contacts"]);
  }
  server.Stop();
  alice.reset();
  iwf.reset();
  helper->reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_McServerRelay)
    ->Arg(1)
    ->Arg(100)
    ->Arg(10000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
