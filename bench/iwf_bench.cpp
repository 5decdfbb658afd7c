// TS 23.283 10.12 IWF relay throughput, KMF -> MC direction: datagrams (DLI preamble + KMM)
// per second through the relay (preamble and KMM header read, RSI mapped, outbox record, request
// handed to the MC face, outcome recorded). The MC face accepts at once, so the figures are the
// IWF's own cost; the SIP leg is measured by the MC service server's benchmark.
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "iwf/dli_socket.h"
#include "iwf/iwf_relay.h"
#include "iwf/memory_iwf_outbox.h"
#include "p25/kmm_frame.h"
#include "store/sqlite_iwf_outbox.h"

namespace kb::iwf {
namespace {

constexpr int kUnits = 1000;

struct AcceptingMc : McFace {
  std::atomic<uint64_t> accepted{0};
  void Send(mc::SecurityMessageRequest, McSendDone done) override {
    accepted.fetch_add(1, std::memory_order_relaxed);
    done({McSendOutcome::Kind::kAccepted, 200, "OK"});
  }
};

struct NullLmr : LmrFace {
  Status SendToKmf(ByteView) override { return Ok(); }
};

RsiMap Map() {
  std::vector<RsiMapping> m;
  for (int i = 1; i <= kUnits; ++i)
    m.push_back({static_cast<uint32_t>(i), "sip:user" + std::to_string(i) + "@example.org",
                 mc::LmrType::kP25});
  return *RsiMap::Build(std::move(m));
}

// A 220-octet Rekey-Command-sized KMM to unit rsi with message number mn (distinct datagrams).
Bytes Datagram(uint32_t rsi, uint16_t mn) {
  p25::KmmFrame f;
  f.header.message_id = p25::MessageId::kRekeyCommand;
  f.header.response_kind = p25::ResponseKind::kImmediate;
  f.header.destination_rsi = rsi;
  f.header.source_rsi = 9999999;
  f.header.message_number = mn;
  f.body.assign(195, 0xA5);
  f.mac = p25::MacTrailer{Bytes(8, 0x11), 0x84, 2, 0x41};
  return EncodeDliDatagram(DliPreamble{}, *p25::EncodeKmmFrame(f));
}

std::filesystem::path TempDb() {
  auto p = std::filesystem::temp_directory_path() /
           ("kb_iwf_bench_" + std::to_string(::getpid()) + ".sqlite");
  for (const char* sfx : {"", "-wal", "-shm"}) std::filesystem::remove(p.string() + sfx);
  return p;
}

void RunRelayOnly(benchmark::State& state, IwfOutbox& outbox) {
  AcceptingMc mc;
  NullLmr lmr;
  RelayOptions o;
  o.own_uri = "sip:iwf@example.org";
  auto relay = *IwfRelay::Create(Map(), outbox, mc, lmr, o);
  uint32_t n = 0;
  for (auto _ : state) {
    ++n;
    relay->OnKmfDatagram(Datagram(1 + n % kUnits, static_cast<uint16_t>(n / kUnits)));
  }
  if (mc.accepted.load() != static_cast<uint64_t>(state.iterations()))
    state.SkipWithError("not every datagram was relayed");
  state.SetItemsProcessed(state.iterations());
}

void BM_IwfRelay_Memory(benchmark::State& state) {
  spdlog::set_level(spdlog::level::warn);
  MemoryIwfOutbox outbox;
  RunRelayOnly(state, outbox);
}
BENCHMARK(BM_IwfRelay_Memory)->Unit(benchmark::kMicrosecond);

void BM_IwfRelay_Sqlite(benchmark::State& state) {
  spdlog::set_level(spdlog::level::warn);
  auto path = TempDb();
  auto outbox = *store::SqliteIwfOutbox::Open(path);
  RunRelayOnly(state, *outbox);
  outbox.reset();
  for (const char* sfx : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + sfx);
}
BENCHMARK(BM_IwfRelay_Sqlite)->Unit(benchmark::kMicrosecond);

// The whole LMR face: a KMF socket sends datagrams over loopback UDP to the IWF's DLI socket,
// whose thread runs the relay with the SQLite outbox. At most 128 datagrams are outstanding
// (so none is lost to a full socket buffer). Items = datagrams relayed.
void BM_IwfRelay_UdpSqlite(benchmark::State& state) {
  spdlog::set_level(spdlog::level::warn);
  auto path = TempDb();
  auto outbox = *store::SqliteIwfOutbox::Open(path);
  AcceptingMc mc;
  NullLmr lmr;
  RelayOptions o;
  o.own_uri = "sip:iwf@example.org";
  auto relay = *IwfRelay::Create(Map(), *outbox, mc, lmr, o);
  IwfRelay* r = relay.get();
  auto iwf_socket = *DliSocket::Start({}, [r](ByteView d, const UdpPeer&) { r->OnKmfDatagram(d); });
  auto kmf_socket = *DliSocket::Start({}, [](ByteView, const UdpPeer&) {});
  UdpPeer to{"127.0.0.1", iwf_socket->port()};
  constexpr uint64_t kBatch = 2000;
  uint64_t sent = 0;
  auto cpu_us = [] {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>((ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1'000'000 +
                               ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
  };
  double cpu_start = cpu_us();
  for (auto _ : state) {
    for (uint64_t i = 0; i < kBatch; ++i) {
      while (sent - mc.accepted.load() >= 128) std::this_thread::yield();
      ++sent;
      (void)kmf_socket->SendTo(to, Datagram(static_cast<uint32_t>(1 + sent % kUnits),
                                            static_cast<uint16_t>(sent / kUnits)));
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (mc.accepted.load() < sent && std::chrono::steady_clock::now() < deadline)
      std::this_thread::yield();
    if (mc.accepted.load() < sent) {
      state.SkipWithError("datagrams lost");
      break;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(sent));
  // CPU of the whole process (the KMF sender, the IWF socket thread, the relay, SQLite) per
  // datagram: on a loaded machine this is the figure to read, not the wall-clock rate.
  state.counters["process_cpu_us_per_datagram"] =
      sent ? (cpu_us() - cpu_start) / static_cast<double>(sent) : 0;
  kmf_socket.reset();
  iwf_socket.reset();
  relay.reset();
  outbox.reset();
  for (const char* sfx : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + sfx);
}
BENCHMARK(BM_IwfRelay_UdpSqlite)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace kb::iwf
