// TIA-102.AACA §9.2 KMF served on a network face (docs/kmf.md "Network face"): one thread owns
// the KMF engine; it hands the engine every KMM the transport receives, calls Tick on a timer
// (which also picks up campaigns another process queued in the shared store, e.g. `keybridge
// kmf rekey --config FILE`), sends what the engine returns, and logs each campaign's progress.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include "kmf/kmf_engine.h"
#include "kmf_service/kmf_transport.h"

namespace kb::kmf_service {

struct KmfServiceOptions {
  kmf::EngineOptions engine;
  std::chrono::milliseconds tick_interval{250};
};

class KmfService {
 public:
  // The store and transport outlive the service. Set the transport with SetTransport before
  // Run (the transport needs OnInboundKmm as its callback, so it is made after the service).
  KmfService(kmf::KmfStore& store, KmfServiceOptions options = {});
  void SetTransport(KmfTransport* transport) { transport_ = transport; }

  // Queues a KMM from a unit; any thread. Handled on the Run thread.
  void OnInboundKmm(Bytes kmm, std::string from);

  // Serves until *stop is set (polled every tick_interval).
  void Run(const std::atomic<bool>& stop);

  // One iteration of Run: handle queued KMMs, Tick, send, log progress. For tests.
  void Step();

  struct Counters {
    uint64_t received = 0, dropped = 0, sent = 0, send_errors = 0;
    uint64_t campaigns_active = 0, campaigns_complete = 0;  // as of the last progress log
  };
  Counters counters() const;
  kmf::KmfEngine::Counters engine_counters() const;

 private:
  kmf::TimePoint Now() const;
  void Send(const std::vector<kmf::Outbound>& out);
  void LogProgress();

  kmf::KmfStore& store_;
  KmfServiceOptions opt_;
  kmf::KmfEngine engine_;
  KmfTransport* transport_ = nullptr;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<Bytes, std::string>> inbound_;
  Counters counters_;
  kmf::KmfEngine::Counters engine_counters_;

  // Campaign progress already logged: campaign id -> ids of its finished tasks; complete
  // campaigns are not polled again.
  std::map<int64_t, std::set<int64_t>> seen_;
  std::set<int64_t> complete_;
  bool first_progress_ = true;
  std::chrono::steady_clock::time_point last_progress_{};
};

}  // namespace kb::kmf_service
