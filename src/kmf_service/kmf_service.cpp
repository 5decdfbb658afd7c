// TIA-102.AACA §9.2 KMF served on a network face (docs/kmf.md "Network face").
#include "kmf_service/kmf_service.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "iwf/kmm_route.h"

namespace kb::kmf_service {

KmfService::KmfService(kmf::KmfStore& store, KmfServiceOptions options)
    : store_(store), opt_(options), engine_(store, options.engine) {}

kmf::TimePoint KmfService::Now() const {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

void KmfService::OnInboundKmm(Bytes kmm, std::string from) {
  {
    std::lock_guard lock(mu_);
    inbound_.emplace_back(std::move(kmm), std::move(from));
  }
  cv_.notify_one();
}

void KmfService::Send(const std::vector<kmf::Outbound>& out) {
  for (const auto& o : out) {
    auto route = iwf::ReadKmmRoute(o.kmm);
    uint8_t id = route ? route->message_id : 0;
    if (auto st = transport_->SendKmm(o.destination, o.kmm); !st) {
      std::lock_guard lock(mu_);
      ++counters_.send_errors;
      spdlog::warn("KMF -> RSI {}: KMM 0x{:02x} (task {}) not sent: {}", o.destination, id,
                   o.task_id, st.error().ToString());
      continue;
    }
    std::lock_guard lock(mu_);
    ++counters_.sent;
    spdlog::info("KMF -> RSI {}: KMM 0x{:02x} ({} octets, task {})", o.destination, id,
                 o.kmm.size(), o.task_id);
  }
}

void KmfService::Step() {
  std::deque<std::pair<Bytes, std::string>> batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(inbound_);
  }
  for (auto& [kmm, from] : batch) {
    auto route = iwf::ReadKmmRoute(kmm);
    auto out = engine_.HandleInbound(kmm, Now());
    {
      std::lock_guard lock(mu_);
      ++counters_.received;
      if (!out) ++counters_.dropped;
    }
    if (!out) {
      spdlog::warn("{} -> KMF: KMM dropped: {}", from, out.error().ToString());
      continue;
    }
    if (route) {
      spdlog::info("RSI {} -> KMF (via {}): KMM 0x{:02x}", route->source_rsi, from,
                   route->message_id);
    }
    Send(*out);
  }
  auto out = engine_.Tick(Now());
  if (!out) {
    spdlog::error("KMF tick: {}", out.error().ToString());
  } else {
    Send(*out);
  }
  {
    std::lock_guard lock(mu_);
    engine_counters_ = engine_.counters();
  }
  LogProgress();
}

void KmfService::LogProgress() {
  auto now = std::chrono::steady_clock::now();
  if (!first_progress_ && now - last_progress_ < std::chrono::milliseconds(500)) return;
  last_progress_ = now;
  auto orgs = store_.ListOrganisations();
  if (!orgs) return;
  for (const auto& org : *orgs) {
    auto campaigns = engine_.ListCampaigns(org.id);
    if (!campaigns) continue;
    for (const auto& c : *campaigns) {
      if (complete_.contains(c.id)) continue;
      auto st = engine_.GetCampaignStatus(org.id, c.id);
      if (!st) continue;
      if (first_progress_) {
        if (st->Complete()) {
          complete_.insert(c.id);
          continue;
        }
      }
      if (!seen_.contains(c.id)) {
        spdlog::info("campaign {} ({}, {}): {} units, {} queued, {} sent", c.id, org.id,
                     c.description, st->tasks.size(), st->queued, st->sent);
        seen_[c.id] = {};
      }
      auto& logged = seen_[c.id];
      for (const auto& t : st->tasks) {
        if (!kmf::IsTerminal(t.state) || logged.contains(t.id)) continue;
        logged.insert(t.id);
        spdlog::info("campaign {}: unit {} {}{}{}", c.id, t.rsi, kmf::TaskStateName(t.state),
                     t.detail.empty() ? "" : ": ", t.detail);
      }
      if (st->Complete()) {
        complete_.insert(c.id);
        seen_.erase(c.id);
        spdlog::info("campaign {} ({}) complete: {} done, {} failed, {} cancelled", c.id,
                     c.description, st->done, st->failed, st->cancelled);
      }
    }
  }
  first_progress_ = false;
  std::lock_guard lock(mu_);
  counters_.campaigns_active = seen_.size();
  counters_.campaigns_complete = complete_.size();
}

void KmfService::Run(const std::atomic<bool>& stop) {
  spdlog::info("KMF serving on {}", transport_->Describe());
  while (!stop.load()) {
    Step();
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, opt_.tick_interval, [&] { return !inbound_.empty() || stop.load(); });
  }
  spdlog::info("KMF stopping");
}

KmfService::Counters KmfService::counters() const {
  std::lock_guard lock(mu_);
  return counters_;
}

kmf::KmfEngine::Counters KmfService::engine_counters() const {
  std::lock_guard lock(mu_);
  return engine_counters_;
}

}  // namespace kb::kmf_service
