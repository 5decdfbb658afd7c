// TS 23.283 10.12 LMR security transport, IWF relay (docs/iwf.md).
#include "iwf/iwf_relay.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "crypto/hash.h"
#include "iwf/kmm_route.h"

namespace kb::iwf {
namespace {

mc::MessageId First16(const crypto::Sha256Digest& d) {
  mc::MessageId id{};
  std::copy_n(d.begin(), id.size(), id.begin());
  return id;
}

std::string ShortId(const mc::MessageId& id) {
  return fmt::format("{:02x}{:02x}{:02x}{:02x}", id[0], id[1], id[2], id[3]);
}

}  // namespace

mc::MessageId MessageIdOfDatagram(ByteView datagram) {
  return First16(crypto::Sha256({AsBytes("keybridge iwf kmf datagram"), datagram}));
}

IwfRelay::IwfRelay(RsiMap map, IwfOutbox& outbox, McFace& mc, LmrFace& lmr, RelayOptions options)
    : map_(std::move(map)), outbox_(outbox), mc_(mc), lmr_(lmr), opt_(std::move(options)) {}

IwfRelay::~IwfRelay() = default;

Result<std::unique_ptr<IwfRelay>> IwfRelay::Create(RsiMap map, IwfOutbox& outbox, McFace& mc,
                                                   LmrFace& lmr, RelayOptions options) {
  if (options.own_uri.empty()) return Fail(Error::InvalidArgument("IWF relay: own_uri is empty"));
  std::unique_ptr<IwfRelay> r(new IwfRelay(std::move(map), outbox, mc, lmr, std::move(options)));
  KB_TRY(auto pending, outbox.LoadPending());
  std::lock_guard lock(r->mu_);
  for (auto& e : pending) {
    if (e.direction == RelayDirection::kToKmf) {
      r->to_kmf_.push_back(std::move(e));
    } else {
      r->Enqueue(std::move(e));
    }
  }
  if (!pending.empty()) spdlog::info("IWF: resuming {} messages in flight", pending.size());
  return r;
}

int64_t IwfRelay::Now() const {
  if (opt_.clock) return opt_.clock();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void IwfRelay::Enqueue(OutboxEntry e) {
  Destination& d = dests_[e.mc_service_id];
  bool was_idle = d.queue.empty() && !d.in_flight;
  int64_t due = e.next_attempt_ms;
  std::string dest = e.mc_service_id;
  d.queue.push_back(std::move(e));
  ++pending_to_mc_;
  if (was_idle) {
    if (due > Now()) {
      delayed_.emplace(due, dest);
    } else {
      ready_.push_back(dest);
    }
  }
}

void IwfRelay::OnKmfDatagram(ByteView datagram) {
  {
    std::lock_guard lock(mu_);
    ++counters_.from_kmf;
    auto dg = DecodeDliDatagram(datagram);
    if (!dg) {
      ++counters_.bad_preamble;
      spdlog::warn("KMF -> IWF: datagram of {} octets dropped: {}", datagram.size(),
                   dg.error().ToString());
      return;
    }
    if (!dg->preamble.IsClear()) {
      ++counters_.encrypted_refused;
      spdlog::warn(
          "KMF -> IWF: datagram dropped: DLI preamble ALGID 0x{:02x} KID 0x{:04x} (encrypted "
          "KMM; the IWF relays clear KMMs only)",
          dg->preamble.algid, dg->preamble.kid);
      return;
    }
    auto route = ReadKmmRoute(dg->kmm);
    if (!route) {
      ++counters_.bad_kmm;
      spdlog::warn("KMF -> IWF: datagram dropped: {}", route.error().ToString());
      return;
    }
    const RsiMapping* m = map_.ByRsi(route->destination_rsi);
    if (m == nullptr) {
      ++counters_.unknown_rsi;
      spdlog::warn("KMF -> IWF: KMM 0x{:02x} for RSI {} dropped: no MC service ID for this RSI",
                   route->message_id, route->destination_rsi);
      return;
    }
    OutboxEntry e;
    e.direction = RelayDirection::kToMc;
    e.message_id = MessageIdOfDatagram(datagram);
    e.mc_service_id = m->mc_service_id;
    e.rsi = m->rsi;
    e.lmr_type = m->lmr_type;
    e.kmm.assign(dg->kmm.begin(), dg->kmm.end());
    e.created_ms = Now();
    e.next_attempt_ms = e.created_ms;
    auto added = outbox_.Add(e);
    if (!added) {
      // Not recorded: the KMF's own retry will bring it again.
      spdlog::error("KMF -> IWF: KMM for RSI {} dropped: outbox: {}", m->rsi,
                    added.error().ToString());
      return;
    }
    if (!*added) {
      ++counters_.duplicates;
      spdlog::info("KMF -> IWF: KMM 0x{:02x} for RSI {} is a duplicate (id {}), relayed once",
                   route->message_id, m->rsi, ShortId(e.message_id));
      return;
    }
    ++counters_.kmf_to_mc_by_message_id[route->message_id];
    spdlog::info("KMF -> IWF: KMM 0x{:02x} RSI {} -> {} ({} octets, id {})", route->message_id,
                 route->source_rsi, m->mc_service_id, e.kmm.size(), ShortId(e.message_id));
    Enqueue(std::move(e));
  }
  Pump();
}

McDecision IwfRelay::OnMcRequest(const mc::SecurityMessageRequest& request) {
  std::lock_guard lock(mu_);
  ++counters_.from_mc;
  if (request.lmr_security_fe_uri != opt_.own_uri) {
    ++counters_.wrong_fe_uri;
    spdlog::warn("MC -> IWF: request from {} for LMR security FE {} refused (we are {})",
                 request.mc_service_id, request.lmr_security_fe_uri, opt_.own_uri);
    return {404, fmt::format("Not Found: this IWF is {}, not {}", opt_.own_uri,
                             request.lmr_security_fe_uri)};
  }
  const RsiMapping* m = map_.ByMcServiceId(request.mc_service_id);
  if (m == nullptr) {
    ++counters_.unknown_mc_id;
    spdlog::warn("MC -> IWF: request from {} refused: no RSI for this MC service ID",
                 request.mc_service_id);
    return {404, fmt::format("Not Found: no RSI for MC service ID {}", request.mc_service_id)};
  }
  if (request.lmr_type && *request.lmr_type != m->lmr_type) {
    ++counters_.wrong_lmr_type;
    return {415, fmt::format("Unsupported: LMR type {} for {}, which is {}",
                             mc::LmrTypeName(*request.lmr_type), request.mc_service_id,
                             mc::LmrTypeName(m->lmr_type))};
  }
  auto route = ReadKmmRoute(request.payload);
  if (!route) {
    ++counters_.bad_kmm;
    spdlog::warn("MC -> IWF: request from {} refused: {}", request.mc_service_id,
                 route.error().ToString());
    return {400, "Bad Request: payload: " + route.error().ToString()};
  }
  if (route->source_rsi != m->rsi) {
    ++counters_.spoofed_rsi;
    spdlog::warn("MC -> IWF: request from {} refused: KMM source RSI {} is not its RSI {}",
                 request.mc_service_id, route->source_rsi, m->rsi);
    return {403, fmt::format("Forbidden: KMM source RSI {} is not the RSI of {}", route->source_rsi,
                             request.mc_service_id)};
  }
  OutboxEntry e;
  e.direction = RelayDirection::kToKmf;
  e.message_id = request.message_id
                     ? *request.message_id
                     : First16(crypto::Sha256({AsBytes("keybridge iwf mc request"),
                                               AsBytes(request.mc_service_id), request.payload}));
  e.mc_service_id = m->mc_service_id;
  e.rsi = m->rsi;
  e.lmr_type = m->lmr_type;
  e.kmm = request.payload;
  e.created_ms = Now();
  auto added = outbox_.Add(e);
  if (!added) {
    spdlog::error("MC -> IWF: request from {} not accepted: outbox: {}", request.mc_service_id,
                  added.error().ToString());
    return {500, "Server Internal Error: IWF outbox unavailable"};
  }
  if (!*added) {
    ++counters_.duplicates;
    spdlog::info("MC -> IWF: request from {} (id {}) already relayed", request.mc_service_id,
                 ShortId(e.message_id));
    return {};
  }
  ++counters_.mc_to_kmf_by_message_id[route->message_id];
  spdlog::info("MC -> IWF: KMM 0x{:02x} from {} (RSI {}) -> KMF RSI {} ({} octets, id {})",
               route->message_id, request.mc_service_id, m->rsi, route->destination_rsi,
               e.kmm.size(), ShortId(e.message_id));
  to_kmf_.push_back(std::move(e));
  SendToKmfLocked();
  return {};
}

void IwfRelay::SendToKmfLocked() {
  while (!to_kmf_.empty()) {
    OutboxEntry& e = to_kmf_.front();
    Bytes dg = EncodeDliDatagram(opt_.preamble_to_kmf, e.kmm);
    if (auto st = lmr_.SendToKmf(dg); !st) {
      ++counters_.to_kmf_errors;
      spdlog::warn("IWF -> KMF: send failed ({}); will retry", st.error().ToString());
      return;
    }
    ++counters_.to_kmf;
    if (auto st = outbox_.MarkDelivered(e.seq, Now()); !st)
      spdlog::error("IWF outbox: {}", st.error().ToString());
    to_kmf_.pop_front();
  }
}

void IwfRelay::Pump() {
  struct Send {
    std::string dest;
    int64_t seq;
    mc::SecurityMessageRequest request;
  };
  {
    std::lock_guard lock(mu_);
    if (pumping_) {
      pump_again_ = true;
      return;
    }
    pumping_ = true;
  }
  for (;;) {
    std::vector<Send> sends;
    {
      std::lock_guard lock(mu_);
      pump_again_ = false;
      int64_t now = Now();
      SendToKmfLocked();
      while (!delayed_.empty() && delayed_.begin()->first <= now) {
        ready_.push_back(std::move(delayed_.begin()->second));
        delayed_.erase(delayed_.begin());
      }
      while (!ready_.empty() && in_flight_ < opt_.max_in_flight) {
        std::string dest = std::move(ready_.front());
        ready_.pop_front();
        auto found = dests_.find(dest);
        if (found == dests_.end()) continue;
        Destination& d = found->second;
        if (d.queue.empty() || d.in_flight) continue;
        const OutboxEntry& e = d.queue.front();
        d.in_flight = true;
        ++in_flight_;
        mc::SecurityMessageRequest req;
        req.mc_service_id = e.mc_service_id;
        req.lmr_security_fe_uri = opt_.own_uri;
        req.lmr_type = e.lmr_type;
        req.payload = e.kmm;
        req.message_id = e.message_id;
        sends.push_back({std::move(dest), e.seq, std::move(req)});
      }
      if (now - last_purge_ms_ >= 60'000) {
        last_purge_ms_ = now;
        if (auto n = outbox_.Purge(now - opt_.dedup_window_ms); !n)
          spdlog::error("IWF outbox purge: {}", n.error().ToString());
      }
      if (sends.empty() && !pump_again_) {
        pumping_ = false;
        return;
      }
    }
    for (auto& s : sends) {
      std::string dest = s.dest;
      int64_t seq = s.seq;
      mc_.Send(std::move(s.request),
               [this, dest, seq](McSendOutcome o) { OnOutcome(dest, seq, std::move(o)); });
    }
  }
}

void IwfRelay::OnOutcome(const std::string& dest, int64_t seq, McSendOutcome outcome) {
  {
    std::lock_guard lock(mu_);
    auto it = dests_.find(dest);
    if (it == dests_.end() || it->second.queue.empty() || it->second.queue.front().seq != seq ||
        !it->second.in_flight) {
      spdlog::error("IWF: outcome for unknown message {} to {}", seq, dest);
      return;
    }
    Destination& d = it->second;
    d.in_flight = false;
    --in_flight_;
    OutboxEntry& e = d.queue.front();
    int64_t now = Now();
    switch (outcome.kind) {
      case McSendOutcome::Kind::kAccepted:
        ++counters_.to_mc_accepted;
        spdlog::info("IWF -> MC: id {} to {} accepted ({})", ShortId(e.message_id), dest,
                     outcome.sip_status);
        if (auto st = outbox_.MarkDelivered(seq, now); !st)
          spdlog::error("IWF outbox: {}", st.error().ToString());
        d.queue.pop_front();
        --pending_to_mc_;
        break;
      case McSendOutcome::Kind::kRefused:
        ++counters_.to_mc_refused;
        spdlog::warn("IWF -> MC: id {} to {} refused: {} {}", ShortId(e.message_id), dest,
                     outcome.sip_status, outcome.reason);
        if (auto st = outbox_.MarkFailed(seq, now); !st)
          spdlog::error("IWF outbox: {}", st.error().ToString());
        d.queue.pop_front();
        --pending_to_mc_;
        break;
      case McSendOutcome::Kind::kRetry: {
        ++counters_.to_mc_retries;
        e.attempts++;
        int64_t backoff = opt_.first_retry_ms;
        for (uint32_t i = 1; i < e.attempts && backoff < opt_.max_retry_ms; ++i) backoff *= 2;
        backoff = std::min(backoff, opt_.max_retry_ms);
        e.next_attempt_ms = now + backoff;
        spdlog::warn("IWF -> MC: id {} to {} not delivered ({} {}); retry {} in {} ms",
                     ShortId(e.message_id), dest, outcome.sip_status, outcome.reason, e.attempts,
                     backoff);
        if (auto st = outbox_.Reschedule(seq, e.attempts, e.next_attempt_ms); !st)
          spdlog::error("IWF outbox: {}", st.error().ToString());
        break;
      }
    }
    if (!d.queue.empty()) {
      if (d.queue.front().next_attempt_ms > now) {
        delayed_.emplace(d.queue.front().next_attempt_ms, dest);
      } else {
        ready_.push_back(dest);
      }
    } else {
      dests_.erase(it);
    }
  }
  Pump();
}

RelayCounters IwfRelay::counters() const {
  std::lock_guard lock(mu_);
  return counters_;
}

size_t IwfRelay::pending() const {
  std::lock_guard lock(mu_);
  return pending_to_mc_ + to_kmf_.size();
}

}  // namespace kb::iwf
