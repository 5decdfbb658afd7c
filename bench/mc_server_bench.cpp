// TS 23.283 10.12 MC service server throughput: non-3GPP security message requests relayed
// client -> server -> IWF endpoint, and the IWF's 10.12 response relayed back, on loopback TCP
// with the SQLite store, at 1, 100 and 10,000 registered clients (issue 4 goals: >= 20,000
// relayed messages/s on one core, p99 < 5 ms, <= 30 us server CPU per relayed message).
// Two measurements per client count (docs/mc-server.md "Speed"):
//  - closed loop: 64 requests in flight, as fast as they are answered (the most the server and
//    the load generator together sustain; latency ~ 64 / round-trip rate by Little's law);
//  - open loop ("paced"): requests sent on a fixed schedule of 10,000 round trips/s = 20,000
//    relayed messages/s whatever the answers do; latency counted from the scheduled send time,
//    so a server that falls behind shows in p99 (no coordinated omission).
// The server's SIP thread and store thread are pinned to CPU 0, the load generator to CPU 1
// (when the machine has two); server CPU = CLOCK_THREAD_CPUTIME_ID of those two threads.
// The load generator is a bench-only lean client: one SipStack per user, registered with the
// real digest REGISTER, sending prepared MESSAGEs (SipStack::SendPrepared) whose multipart body
// is assembled from a cached info XML part and a freshly encoded interworking-data container.
#include <benchmark/benchmark.h>
#include <pthread.h>
#include <sched.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "mc/lmr_security_message.h"
#include "mc_endpoint/security_message_sip.h"
#include "mc_server/mc_server.h"
#include "net/register_client.h"
#include "net/sip_multipart.h"
#include "store/sqlite_message_store.h"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace mce = kb::mc_endpoint;

constexpr size_t kClosedRoundTrips = 10000;     // each = 2 relayed messages
constexpr size_t kWindow = 64;                  // closed loop: requests in flight
constexpr double kPacedRoundTripsPerS = 10000;  // = 20,000 relayed messages/s offered
constexpr auto kPacedDuration = 2s;

constexpr const char* kAlice = "sip:alice@example.org";
constexpr const char* kIwf = "sip:iwf@example.org";

kb::SecretBytes Password(std::string_view user) {
  return kb::SecretBytes(kb::AsBytes(std::string(user) + "-pw"));
}

// Pins the calling thread to `cpu` (threads it creates inherit the mask). False when the machine
// has fewer CPUs or the call fails; the benchmark then runs unpinned.
bool PinTo(int cpu) {
  if (std::thread::hardware_concurrency() < 2) return false;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof(set), &set) == 0;
}

// Bench-only lean MC client: a SipStack registered as `aor`, sending 10.12 messages as prepared
// requests. The body parts are those of mc_endpoint::BuildSecurityMessageBody; the info XML
// (which only names the two users) is built once.
class LoadClient {
 public:
  LoadClient(std::string aor, std::string peer, kb::net::SipEndpoint server)
      : aor_(std::move(aor)), peer_(std::move(peer)), server_(std::move(server)) {
    kb::net::SipStackConfig sc;
    sc.enable_udp = false;
    sc.user = aor_.substr(4, aor_.find('@') - 4);
    auto s = kb::net::SipStack::Start(sc);
    if (!s) std::abort();
    stack_ = std::move(*s);
    info_ = {mce::kMcpttInfoMime, kb::ToBytes(mce::McpttInfoXml({peer_, aor_}))};
  }

  kb::net::SipStack& stack() { return *stack_; }

  void Register() {
    std::promise<bool> done;
    kb::net::RegistrationRequest r;
    r.aor = aor_;
    auto local = stack_->LocalEndpoint(kb::net::Transport::kTcp);
    r.contact = "sip:" + aor_.substr(4, aor_.find('@') - 4) + "@" + local.host + ":" +
                std::to_string(local.port) + ";transport=tcp";
    r.password = Password(aor_.substr(4));
    r.registrar = server_;
    kb::net::Register(*stack_, std::move(r), [&](kb::Result<kb::net::SipMessage> res) {
      done.set_value(res && res->StatusCode() == 200);
    });
    if (!done.get_future().get()) std::abort();
  }

  // Sends `m` to the peer through the server; aborts on anything but a 2xx.
  void Send(const kb::mc::InterworkingMessage& m) {
    auto container = kb::mc::EncodeInterworkingData(m);
    if (!container) std::abort();
    kb::net::BodyPart parts[2] = {info_, {kb::mc::kInterworkingDataMime, std::move(*container)}};
    auto text = kb::net::MultipartBodyText(parts);
    if (!text) std::abort();
    kb::net::PreparedRequest r{"MESSAGE", peer_, peer_, aor_, text->content_type, text->body};
    stack_->SendPrepared(r, server_, [](kb::Result<kb::net::SipMessage> res) {
      // 200 relayed at once, 202 stored first (the target's window was full).
      if (!res || res->StatusCode() / 100 != 2) std::abort();
    });
  }

 private:
  std::string aor_, peer_;
  kb::net::SipEndpoint server_;
  std::unique_ptr<kb::net::SipStack> stack_;
  kb::net::BodyPart info_;
};

// The 10.12 message of an incoming MESSAGE (bench peers send only well-formed ones).
kb::mc::InterworkingMessage Decode(const kb::net::SipMessage& req) {
  auto parts = kb::net::BodyParts(req);
  if (!parts) std::abort();
  const kb::net::BodyPart* data = kb::net::FindPart(*parts, kb::mc::kInterworkingDataMime);
  if (data == nullptr) std::abort();
  auto m = kb::mc::DecodeInterworkingData(data->data);
  if (!m) std::abort();
  return std::move(*m);
}

uint64_t Key(const kb::mc::MessageId& id) {
  uint64_t key = 0;
  for (int i = 0; i < 8; ++i) key = key << 8 | id[i];
  return key;
}

kb::mc::MessageId IdOf(uint64_t n) {
  kb::mc::MessageId id{};
  for (int i = 0; i < 8; ++i) id[i] = static_cast<uint8_t>(n >> (56 - 8 * i));
  id[15] = 1;
  return id;
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

// Round trips answered at alice: latency from the recorded start time of each request.
struct Tracker {
  std::mutex mu;
  std::condition_variable cv;
  std::unordered_map<uint64_t, Clock::time_point> started;
  std::vector<double> latencies_us;
  size_t outstanding = 0, answered = 0;

  void Start(uint64_t key, Clock::time_point at) {
    std::lock_guard l(mu);
    started[key] = at;
    ++outstanding;
  }
  void Answer(uint64_t key) {
    auto now = Clock::now();
    std::lock_guard l(mu);
    auto it = started.find(key);
    if (it == started.end()) return;
    latencies_us.push_back(std::chrono::duration<double, std::micro>(now - it->second).count());
    started.erase(it);
    --outstanding;
    ++answered;
    cv.notify_all();
  }
  void Reset() {
    std::lock_guard l(mu);
    latencies_us.clear();
    answered = 0;
  }
  bool WaitAnswered(size_t n, std::chrono::seconds timeout) {
    std::unique_lock l(mu);
    return cv.wait_for(l, timeout, [&] { return answered >= n; });
  }
  std::pair<double, double> P50P99() {
    std::lock_guard l(mu);
    std::sort(latencies_us.begin(), latencies_us.end());
    if (latencies_us.empty()) return {0, 0};
    return {latencies_us[latencies_us.size() / 2], latencies_us[latencies_us.size() * 99 / 100]};
  }
};

kb::mc::SecurityMessageRequest Request(uint64_t n) {
  return {kAlice, kIwf, kb::mc::LmrType::kP25, kb::Bytes(64, 0x5a), IdOf(n)};
}

void BM_McServerRelay(benchmark::State& state) {
  spdlog::set_level(spdlog::level::warn);
  size_t clients = static_cast<size_t>(state.range(0));
  cpu_set_t original;
  pthread_getaffinity_np(pthread_self(), sizeof(original), &original);
  bool pinned = PinTo(0);  // the server's threads are created on CPU 0

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
  mc.entities = {{kIwf, kb::mc_server::EntityKind::kIwf}};
  kb::mc_server::McServer server(
      mc, [](std::string_view u) -> std::optional<kb::SecretBytes> { return Password(u); },
      [](std::string_view) { return true; }, **store, **stack);
  if (!server.Start()) std::abort();
  auto at = (*stack)->LocalEndpoint(kb::net::Transport::kTcp);
  if (pinned) pinned = PinTo(1);  // everything else: the load generator

  LoadClient iwf(kIwf, kAlice, at);
  LoadClient alice(kAlice, kIwf, at);
  Tracker tracker;
  iwf.stack().SetRequestHandler([&iwf](std::shared_ptr<kb::net::IncomingRequest> in) {
    auto m = Decode(in->request());
    in->Respond(200, "OK");
    auto* req = std::get_if<kb::mc::SecurityMessageRequest>(&m);
    if (req == nullptr) std::abort();
    iwf.Send(kb::mc::SecurityMessageResponse{req->mc_service_id, req->lmr_security_fe_uri,
                                             req->message_id});
  });
  alice.stack().SetRequestHandler([&tracker](std::shared_ptr<kb::net::IncomingRequest> in) {
    auto m = Decode(in->request());
    in->Respond(200, "OK");
    auto* resp = std::get_if<kb::mc::SecurityMessageResponse>(&m);
    if (resp == nullptr || !resp->message_id) std::abort();
    tracker.Answer(Key(*resp->message_id));
  });
  iwf.Register();
  alice.Register();
  kb::net::SipStackConfig hc;
  hc.enable_udp = false;
  auto helper = kb::net::SipStack::Start(hc);
  if (!helper) std::abort();
  (*helper)->SetRequestHandler(
      [](std::shared_ptr<kb::net::IncomingRequest> in) { in->Respond(200, "OK"); });
  if (clients > 1) RegisterMany(**helper, at, clients - 1);

  uint64_t next_id = 0;
  // Closed loop: kWindow in flight; the first 1,000 round trips warm up (connections, caches).
  auto closed = [&](size_t round_trips) {
    for (size_t i = 0; i < round_trips; ++i) {
      {
        std::unique_lock l(tracker.mu);
        tracker.cv.wait(l, [&] { return tracker.outstanding < kWindow; });
      }
      uint64_t n = next_id++;
      tracker.Start(n, Clock::now());
      alice.Send(Request(n));
    }
  };
  closed(1000);
  if (!tracker.WaitAnswered(1000, 60s)) std::abort();

  for (auto _ : state) {
    tracker.Reset();
    auto cpu0 = server.CpuTime();
    auto t0 = Clock::now();
    closed(kClosedRoundTrips);
    if (!tracker.WaitAnswered(kClosedRoundTrips, 60s)) std::abort();
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    auto cpu = server.CpuTime() - cpu0;
    auto [p50, p99] = tracker.P50P99();
    double relayed = 2.0 * kClosedRoundTrips;
    state.counters["closed_msgs_per_s"] = relayed / secs;
    state.counters["closed_p50_us"] = p50;
    state.counters["closed_p99_us"] = p99;
    state.counters["closed_cpu_us_per_msg"] =
        std::chrono::duration<double, std::micro>(cpu).count() / relayed;

    // Open loop: request n is due at t0 + n / rate; late sends go out at once (their latency
    // still counts from when they were due).
    tracker.Reset();
    size_t total = static_cast<size_t>(kPacedRoundTripsPerS *
                                       std::chrono::duration<double>(kPacedDuration).count());
    auto interval = std::chrono::duration<double>(1.0 / kPacedRoundTripsPerS);
    cpu0 = server.CpuTime();
    t0 = Clock::now();
    for (size_t i = 0; i < total; ++i) {
      auto due =
          t0 + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(i));
      if (Clock::now() < due) std::this_thread::sleep_until(due);
      uint64_t n = next_id++;
      tracker.Start(n, due);
      alice.Send(Request(n));
    }
    if (!tracker.WaitAnswered(total, 60s)) std::abort();
    secs = std::chrono::duration<double>(Clock::now() - t0).count();
    cpu = server.CpuTime() - cpu0;
    std::tie(p50, p99) = tracker.P50P99();
    relayed = 2.0 * static_cast<double>(total);
    state.counters["paced_offered_msgs_per_s"] = 2 * kPacedRoundTripsPerS;
    state.counters["paced_msgs_per_s"] = relayed / secs;
    state.counters["paced_p50_us"] = p50;
    state.counters["paced_p99_us"] = p99;
    double cpu_us = std::chrono::duration<double, std::micro>(cpu).count();
    state.counters["paced_cpu_us_per_msg"] = cpu_us / relayed;
    // Share of one core the server's threads used while carrying the offered load.
    state.counters["paced_server_core_share"] = cpu_us / (secs * 1e6);
    state.counters["server_pinned_cpu0"] = pinned ? 1 : 0;
    state.counters["registered_contacts"] =
        static_cast<double>(server.Counters()["registered_contacts"]);
  }
  server.Stop();
  helper->reset();
  stack->reset();
  std::filesystem::remove_all(dir);
  pthread_setaffinity_np(pthread_self(), sizeof(original), &original);
}
BENCHMARK(BM_McServerRelay)
    ->Arg(1)
    ->Arg(100)
    ->Arg(10000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
