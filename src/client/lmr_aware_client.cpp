// TS 23.283 10.12.2, client end: the LMR-aware MC service client (docs/client.md).
#include "client/lmr_aware_client.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <future>
#include <mutex>

#include "p25/kmm.h"

namespace kb::client {

struct LmrAwareClient::State : std::enable_shared_from_this<LmrAwareClient::State> {
  LmrAwareClientConfig config;
  ClientCore* core = nullptr;
  std::unique_ptr<mc_endpoint::McEndpoint> endpoint;
  std::string identity;

  mutable std::mutex mu;
  ClientCounters counters;
  std::string last_fe_uri;
  bool last_was_sds = false;

  void Count(uint64_t ClientCounters::*field) {
    std::lock_guard lock(mu);
    ++(counters.*field);
  }

  mc_endpoint::SendCallback Counted(uint64_t ClientCounters::*ok, std::string what) {
    std::weak_ptr<State> weak = weak_from_this();
    return [weak, ok, what = std::move(what)](Result<mc_endpoint::SendOutcome> r) {
      auto s = weak.lock();
      if (!s) return;
      if (r && r->accepted()) {
        s->Count(ok);
        return;
      }
      s->Count(&ClientCounters::send_failures);
      spdlog::warn("client {}: {} not accepted: {}", s->identity, what,
                   r ? fmt::format("{} {}", r->status, r->reason) : r.error().ToString());
    };
  }

  // The unit's answer KMM, as a new request toward the FE that sent the command.
  void SendAnswer(const mc_endpoint::ReceivedMessage& m, const std::string& fe_uri, Bytes kmm,
                  std::string what) {
    if (m.carrier == mc_endpoint::Carrier::kSds) {
      mc_endpoint::SdsSecurityMessage sds;
      sds.addressing.request_uri = m.from;
      sds.addressing.calling_user_id = identity;
      sds.lmr_type = mc::LmrType::kP25;
      sds.payload = std::move(kmm);
      sds.message_id = mc_endpoint::NewMessageId();
      endpoint->SendSds(std::move(sds), Counted(&ClientCounters::answers_sent, what));
      return;
    }
    mc::SecurityMessageRequest req;
    req.mc_service_id = identity;
    req.lmr_security_fe_uri = fe_uri;
    req.lmr_type = mc::LmrType::kP25;
    req.payload = std::move(kmm);
    endpoint->Send(fe_uri, std::move(req), Counted(&ClientCounters::answers_sent, what));
  }

  Status OnRequest(const mc_endpoint::ReceivedMessage& m, const std::string& mc_id,
                   const std::string& fe_uri, std::optional<mc::LmrType> lmr_type,
                   const Bytes& payload) {
    Count(&ClientCounters::received);
    if (mc_id != identity) {
      Count(&ClientCounters::wrong_target);
      spdlog::warn("client {}: {} -> request for {} refused", identity, m.from, mc_id);
      return Fail(Error::NotFound(fmt::format("MC service ID {} is not served here", mc_id)));
    }
    if (!lmr_type) {
      return Fail(Error::Malformed("LMR type is required toward the client (TS 23.283 10.12.1.1)"));
    }
    if (*lmr_type != mc::LmrType::kP25) {
      // Refused at the LMR layer, not with a SIP error: the MESSAGE was delivered correctly, and
      // a store-and-forward server retries a failed delivery (a SIP 4xx would block the
      // client's queue behind this message). No 10.12 response: no LMR layer took it.
      Count(&ClientCounters::tetra_refused);
      spdlog::warn("client {}: {} -> {} payload ({} octets) refused: no {} security layer",
                   identity, m.from, mc::LmrTypeName(*lmr_type), payload.size(),
                   mc::LmrTypeName(*lmr_type));
      return Ok();
    }
    {
      std::lock_guard lock(mu);
      last_fe_uri = fe_uri;
      last_was_sds = m.carrier == mc_endpoint::Carrier::kSds;
    }
    auto answer = core->HandleKmm(payload);
    if (!answer) {
      Count(&ClientCounters::p25_errors);
      spdlog::warn("client {}: {} -> P25 KMM ({} octets) not processed: {}", identity, m.from,
                   payload.size(), answer.error().ToString());
    } else {
      Count(&ClientCounters::p25_processed);
      spdlog::info("client {}: {} -> {} (status 0x{:02X}){}", identity, m.from,
                   p25::MessageIdName(answer->command), static_cast<uint8_t>(answer->status),
                   answer->kmm ? "; answering" : "");
    }
    // The 10.12 response: the message reached the client's LMR security layer.
    endpoint->SendResponse(m, Counted(&ClientCounters::responses_sent, "10.12 response"));
    if (answer && answer->kmm) {
      std::string what = "answer KMM";
      if (auto k = p25::Kmm::Decode(*answer->kmm)) {
        what = fmt::format("{} (MN {})", p25::MessageIdName(p25::MessageIdOf(k->body)),
                           k->header.message_number.value_or(0));
      }
      spdlog::info("client {}: {} -> {}: {}", identity, identity, fe_uri, what);
      SendAnswer(m, fe_uri, std::move(*answer->kmm), what);
    }
    return Ok();
  }

  Status OnMessage(const mc_endpoint::ReceivedMessage& m) {
    if (const auto* b = std::get_if<mc_endpoint::SecurityMessageBody>(&m.body)) {
      if (const auto* req = std::get_if<mc::SecurityMessageRequest>(&b->message)) {
        return OnRequest(m, req->mc_service_id, req->lmr_security_fe_uri, req->lmr_type,
                         req->payload);
      }
      if (const auto* sm = std::get_if<mc::IwfShortMessage>(&b->message)) {
        return OnRequest(m, sm->mc_id, m.from, sm->lmr_type, sm->payload);
      }
      Count(&ClientCounters::acks_received);
      spdlog::info("client {}: {} -> 10.12 response", identity, m.from);
      return Ok();
    }
    const auto& sds = std::get<mc_endpoint::SdsSecurityMessage>(m.body);
    if (sds.in_reply_to) {
      Count(&ClientCounters::acks_received);
      spdlog::info("client {}: {} -> SDS response", identity, m.from);
      return Ok();
    }
    return OnRequest(m, sds.addressing.request_uri, m.from, sds.lmr_type, sds.payload);
  }
};

Result<std::unique_ptr<LmrAwareClient>> LmrAwareClient::Start(LmrAwareClientConfig config,
                                                              ClientCore& core) {
  auto state = std::make_shared<State>();
  state->identity = config.endpoint.identity;
  if (state->identity != core.mc_id()) {
    return Fail(Error::InvalidArgument(
        fmt::format("client: endpoint identity {} differs from the key store's {}", state->identity,
                    core.mc_id())));
  }
  state->core = &core;
  state->last_fe_uri = config.lmr_security_fe_uri;
  state->last_was_sds = config.sds;
  state->config = std::move(config);
  mc_endpoint::McEndpointConfig ec = std::move(state->config.endpoint);
  KB_TRY(state->endpoint, mc_endpoint::McEndpoint::Start(std::move(ec)));
  std::weak_ptr<State> weak = state;
  state->endpoint->SetMessageHandler([weak](const mc_endpoint::ReceivedMessage& m) -> Status {
    auto s = weak.lock();
    if (!s) return Fail(Error::Internal("client stopping"));
    return s->OnMessage(m);
  });
  state->endpoint->Register([weak](Status st) {
    auto s = weak.lock();
    if (!s) return;
    if (st) {
      spdlog::info("client {}: registered", s->identity);
    } else {
      spdlog::warn("client {}: registration failed: {}", s->identity, st.error().ToString());
    }
  });
  return std::unique_ptr<LmrAwareClient>(new LmrAwareClient(std::move(state)));
}

LmrAwareClient::LmrAwareClient(std::shared_ptr<State> state) : state_(std::move(state)) {}

LmrAwareClient::~LmrAwareClient() { state_->endpoint.reset(); }

Status LmrAwareClient::WaitRegistered(std::chrono::milliseconds timeout) {
  return state_->endpoint->WaitRegistered(timeout);
}

Status LmrAwareClient::SendHello(bool rekey_request, std::chrono::milliseconds timeout) {
  std::string fe;
  bool sds = false;
  {
    std::lock_guard lock(state_->mu);
    fe = state_->config.lmr_security_fe_uri.empty() ? state_->last_fe_uri
                                                    : state_->config.lmr_security_fe_uri;
    sds = state_->config.sds || state_->last_was_sds;
  }
  if (fe.empty()) {
    return Fail(Error::InvalidArgument(
        "client: no LMR security FE URI (configure lmr_security_fe or wait for a request)"));
  }
  KB_TRY(Bytes kmm, state_->core->BuildHello(rekey_request));
  auto promise = std::make_shared<std::promise<Result<mc_endpoint::SendOutcome>>>();
  auto future = promise->get_future();
  auto cb = [promise](Result<mc_endpoint::SendOutcome> r) { promise->set_value(std::move(r)); };
  const char* what = rekey_request ? "Hello (rekey request)" : "Hello (identification)";
  spdlog::info("client {}: {} -> {}: {}", state_->identity, state_->identity, fe, what);
  if (sds) {
    mc_endpoint::SdsSecurityMessage m;
    m.addressing.request_uri = fe;
    m.addressing.calling_user_id = state_->identity;
    m.payload = std::move(kmm);
    m.message_id = mc_endpoint::NewMessageId();
    state_->endpoint->SendSds(std::move(m), cb);
  } else {
    mc::SecurityMessageRequest req;
    req.mc_service_id = state_->identity;
    req.lmr_security_fe_uri = fe;
    req.lmr_type = mc::LmrType::kP25;
    req.payload = std::move(kmm);
    state_->endpoint->Send(fe, std::move(req), cb);
  }
  if (future.wait_for(timeout) != std::future_status::ready)
    return Fail(Error::Expired("client: no answer from the MC service server"));
  auto r = future.get();
  if (!r) return Fail(r.error());
  if (!r->accepted()) {
    state_->Count(&ClientCounters::send_failures);
    return Fail(Error::Io(fmt::format("MC service server: {} {}", r->status, r->reason)));
  }
  state_->Count(&ClientCounters::own_requests);
  return Ok();
}

void LmrAwareClient::Unregister(std::chrono::milliseconds timeout) {
  auto promise = std::make_shared<std::promise<void>>();
  auto future = promise->get_future();
  state_->endpoint->Unregister([promise](Status) { promise->set_value(); });
  future.wait_for(timeout);
}

ClientCounters LmrAwareClient::counters() const {
  std::lock_guard lock(state_->mu);
  return state_->counters;
}

mc_endpoint::McEndpoint& LmrAwareClient::endpoint() { return *state_->endpoint; }

}  // namespace kb::client
