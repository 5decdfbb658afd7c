// TS 23.283 10.12 LMR security transport, the IWF's MC face (docs/iwf.md).
#include "iwf/iwf_mc_face.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace kb::iwf {

McSendOutcome ClassifySendOutcome(const Result<mc_endpoint::SendOutcome>& r) {
  using Kind = McSendOutcome::Kind;
  if (!r) return {Kind::kRetry, 0, r.error().ToString()};
  int s = r->status;
  if (r->accepted()) return {Kind::kAccepted, s, r->reason};
  bool not_registered = s == 403 && r->reason.starts_with(mc_endpoint::kNotRegisteredReason);
  if (s == 408 || s >= 500 || not_registered || s < 200) return {Kind::kRetry, s, r->reason};
  return {Kind::kRefused, s, r->reason};
}

Result<mc::SecurityMessageRequest> RequestFromReceived(const mc_endpoint::ReceivedMessage& m,
                                                       const std::string& own_uri) {
  mc::SecurityMessageRequest req;
  if (const auto* b = std::get_if<mc_endpoint::SecurityMessageBody>(&m.body)) {
    if (const auto* r = std::get_if<mc::SecurityMessageRequest>(&b->message)) {
      req = *r;
    } else if (const auto* s = std::get_if<mc::IwfShortMessage>(&b->message)) {
      req = mc::ToRequest(*s, own_uri);
    } else {
      return Fail(Error::InvalidArgument("a 10.12 response carries nothing to relay"));
    }
  } else {
    const auto& sds = std::get<mc_endpoint::SdsSecurityMessage>(m.body);
    if (sds.in_reply_to || sds.payload.empty())
      return Fail(Error::InvalidArgument("an SDS response carries nothing to relay"));
    req.mc_service_id = sds.addressing.calling_user_id;
    req.lmr_security_fe_uri = sds.addressing.request_uri;
    req.lmr_type = sds.lmr_type;
    req.payload = sds.payload;
    req.message_id = sds.message_id;
  }
  if (req.mc_service_id != m.from) {
    return Fail(Error::Unauthorised(fmt::format("Forbidden: MC service ID {} is not the sender {}",
                                                req.mc_service_id, m.from)));
  }
  return req;
}

void IwfMcFace::Attach(IwfRelay& relay) {
  relay_ = &relay;
  endpoint_.SetMessageHandler(
      [this](const mc_endpoint::ReceivedMessage& m) { return OnMessage(m); });
}

void IwfMcFace::Send(mc::SecurityMessageRequest request, McSendDone done) {
  std::string target = request.mc_service_id;
  endpoint_.Send(std::move(target), std::move(request),
                 [done = std::move(done)](Result<mc_endpoint::SendOutcome> r) {
                   done(ClassifySendOutcome(r));
                 });
}

Status IwfMcFace::OnMessage(const mc_endpoint::ReceivedMessage& m) {
  bool is_response = false;
  if (const auto* b = std::get_if<mc_endpoint::SecurityMessageBody>(&m.body))
    is_response = std::holds_alternative<mc::SecurityMessageResponse>(b->message);
  else
    is_response = std::get<mc_endpoint::SdsSecurityMessage>(m.body).in_reply_to.has_value();
  if (is_response) {
    responses_.fetch_add(1);
    spdlog::info("MC -> IWF: {} from {} (acknowledges an IWF request)",
                 mc_endpoint::MessageKindName(m.body), m.from);
    return Ok();
  }
  auto req = RequestFromReceived(m, relay_->own_uri());
  if (!req) {
    refused_.fetch_add(1);
    spdlog::warn("MC -> IWF: {} from {} refused: {}", mc_endpoint::MessageKindName(m.body), m.from,
                 req.error().message());
    return Fail(req.error());
  }
  McDecision d = relay_->OnMcRequest(*req);
  if (!d.accepted()) {
    refused_.fetch_add(1);
    switch (d.sip_status) {
      case 400:
        return Fail(Error::Malformed(d.reason));
      case 403:
        return Fail(Error::Unauthorised(d.reason));
      case 404:
        return Fail(Error::NotFound(d.reason));
      case 415:
        return Fail(Error::Unsupported(d.reason));
      default:
        return Fail(Error::Internal(d.reason));
    }
  }
  // The 10.12 response, end to end back to the client (the SIP 200 is hop by hop).
  endpoint_.SendResponse(m, [from = m.from](Result<mc_endpoint::SendOutcome> r) {
    if (!r || !r->accepted())
      spdlog::warn("IWF -> MC: 10.12 response to {} not delivered: {}", from,
                   r ? fmt::format("{} {}", r->status, r->reason) : r.error().ToString());
  });
  return Ok();
}

}  // namespace kb::iwf
