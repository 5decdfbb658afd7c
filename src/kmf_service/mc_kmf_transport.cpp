// TIA-102.AACA §9.2 KMF network face, MC-hosted (seeds 001/002; docs/kmf.md "Network face").
#include "kmf_service/mc_kmf_transport.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "iwf/iwf_mc_face.h"
#include "iwf/kmm_route.h"

namespace kb::kmf_service {

McKmfTransport::McKmfTransport(mc_endpoint::McEndpoint& endpoint, iwf::RsiMap map,
                               mc_endpoint::Carrier carrier, InboundKmm on_kmm)
    : endpoint_(endpoint), map_(std::move(map)), carrier_(carrier), on_kmm_(std::move(on_kmm)) {
  endpoint_.SetMessageHandler(
      [this](const mc_endpoint::ReceivedMessage& m) { return OnMessage(m); });
}

Status McKmfTransport::SendKmm(kmf::Rsi destination, ByteView kmm) {
  const iwf::RsiMapping* m = map_.ByRsi(destination);
  if (m == nullptr)
    return Fail(Error::NotFound(fmt::format("no MC service ID for RSI {}", destination)));
  auto done = [this, to = m->mc_service_id](Result<mc_endpoint::SendOutcome> r) {
    if (!r || !r->accepted()) {
      send_failures_.fetch_add(1);
      spdlog::warn("KMF -> {}: not delivered ({}); the campaign retries", to,
                   r ? fmt::format("{} {}", r->status, r->reason) : r.error().ToString());
    }
  };
  if (carrier_ == mc_endpoint::Carrier::kSds) {
    mc_endpoint::SdsSecurityMessage sds;
    sds.addressing.request_uri = m->mc_service_id;
    sds.addressing.calling_user_id = endpoint_.identity();
    sds.lmr_type = m->lmr_type;
    sds.payload.assign(kmm.begin(), kmm.end());
    sds.message_id = mc_endpoint::NewMessageId();
    endpoint_.SendSds(std::move(sds), std::move(done));
  } else {
    mc::SecurityMessageRequest req;
    req.mc_service_id = m->mc_service_id;
    req.lmr_security_fe_uri = endpoint_.identity();
    req.lmr_type = m->lmr_type;
    req.payload.assign(kmm.begin(), kmm.end());
    req.message_id = mc_endpoint::NewMessageId();
    endpoint_.Send(m->mc_service_id, std::move(req), std::move(done));
  }
  return Ok();
}

std::string McKmfTransport::Describe() const {
  return fmt::format("MC system as {} (carrier {}, {} units mapped)", endpoint_.identity(),
                     mc_endpoint::CarrierName(carrier_), map_.size());
}

Status McKmfTransport::OnMessage(const mc_endpoint::ReceivedMessage& msg) {
  bool is_response = false;
  if (const auto* b = std::get_if<mc_endpoint::SecurityMessageBody>(&msg.body))
    is_response = std::holds_alternative<mc::SecurityMessageResponse>(b->message);
  else
    is_response = std::get<mc_endpoint::SdsSecurityMessage>(msg.body).in_reply_to.has_value();
  if (is_response) {
    spdlog::info("{} -> KMF: {}", msg.from, mc_endpoint::MessageKindName(msg.body));
    return Ok();
  }
  auto req = iwf::RequestFromReceived(msg, endpoint_.identity());
  auto refuse = [&](Error e) -> Status {
    refused_.fetch_add(1);
    spdlog::warn("{} -> KMF: refused: {}", msg.from, e.message());
    return Fail(std::move(e));
  };
  if (!req) return refuse(req.error());
  if (req->lmr_security_fe_uri != endpoint_.identity())
    return refuse(Error::NotFound(fmt::format("Not Found: this KMF is {}, not {}",
                                              endpoint_.identity(), req->lmr_security_fe_uri)));
  const iwf::RsiMapping* m = map_.ByMcServiceId(req->mc_service_id);
  if (m == nullptr)
    return refuse(
        Error::NotFound(fmt::format("Not Found: no RSI for MC service ID {}", req->mc_service_id)));
  auto route = iwf::ReadKmmRoute(req->payload);
  if (!route) return refuse(Error::Malformed("Bad Request: payload: " + route.error().ToString()));
  if (route->source_rsi != m->rsi)
    return refuse(Error::Unauthorised(fmt::format(
        "Forbidden: KMM source RSI {} is not the RSI of {}", route->source_rsi, m->mc_service_id)));
  on_kmm_(std::move(req->payload), msg.from);
  endpoint_.SendResponse(msg, [from = msg.from](Result<mc_endpoint::SendOutcome> r) {
    if (!r || !r->accepted())
      spdlog::warn("KMF -> {}: 10.12 response not delivered: {}", from,
                   r ? fmt::format("{} {}", r->status, r->reason) : r.error().ToString());
  });
  return Ok();
}

}  // namespace kb::kmf_service
