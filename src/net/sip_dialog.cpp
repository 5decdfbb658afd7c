// RFC 3261 clause 12 (dialog state, requests within a dialog) and 13.2.2.4 (ACK of a 2xx).
#include "net/sip_dialog.h"

#include <osipparser2/osip_parser.h>

namespace kb::net {

std::string DialogId::ToString() const {
  return call_id + ";local=" + local_tag + ";remote=" + remote_tag;
}

DialogId IncomingDialogId(const SipMessage& request) {
  return {request.CallId(), request.ToTag(), request.FromTag()};
}

DialogId ResponseDialogId(const SipMessage& response) {
  return {response.CallId(), response.FromTag(), response.ToTag()};
}

std::string ContactUri(const SipMessage& message) {
  auto contact = message.Header("Contact");
  if (!contact) return {};
  size_t open = contact->find('<');
  size_t close = contact->find('>', open == std::string::npos ? 0 : open);
  if (open != std::string::npos && close != std::string::npos) {
    return contact->substr(open + 1, close - open - 1);
  }
  return contact->substr(0, contact->find(';'));
}

void SetToTag(SipMessage& message, std::string_view tag) {
  osip_to_t* to = message.raw()->to;
  if (to == nullptr) return;
  osip_generic_param_t* p = nullptr;
  if (osip_generic_param_get_byname(&to->gen_params, const_cast<char*>("tag"), &p) == 0 &&
      p != nullptr) {
    osip_free(p->gvalue);
    p->gvalue = osip_strdup(std::string(tag).c_str());
    return;
  }
  osip_to_set_tag(to, osip_strdup(std::string(tag).c_str()));
}

namespace {

std::string TargetOr(const SipMessage& m, std::string fallback) {
  std::string c = ContactUri(m);
  return c.empty() ? fallback : c;
}

}  // namespace

Result<Dialog> Dialog::AsUac(const SipMessage& invite, const SipMessage& response,
                             SipEndpoint next_hop) {
  if (response.ToTag().empty()) {
    return Fail(Error::Malformed("SIP dialog: 2xx to INVITE without a To tag (12.1.2)"));
  }
  Dialog d;
  d.id = ResponseDialogId(response);
  d.local_uri = invite.FromUri();
  d.remote_uri = invite.ToUri();
  d.remote_target = TargetOr(response, invite.RequestUri());
  d.local_cseq = invite.CSeqNumber();
  d.invite_cseq = invite.CSeqNumber();
  d.next_hop = std::move(next_hop);
  d.is_uac = true;
  return d;
}

Result<Dialog> Dialog::AsUas(const SipMessage& invite, const SipMessage& response,
                             SipEndpoint next_hop) {
  if (response.ToTag().empty()) {
    return Fail(Error::Malformed("SIP dialog: 2xx to INVITE without a To tag (12.1.1)"));
  }
  Dialog d;
  d.id = {invite.CallId(), response.ToTag(), invite.FromTag()};
  d.local_uri = invite.ToUri();
  d.remote_uri = invite.FromUri();
  d.remote_target = TargetOr(invite, invite.FromUri());
  d.remote_cseq = invite.CSeqNumber();
  d.invite_cseq = invite.CSeqNumber();
  d.next_hop = std::move(next_hop);
  return d;
}

namespace {

Result<SipMessage> InDialog(const Dialog& d, std::string_view method, uint32_t cseq) {
  SipMessage m = SipMessage::Request(method, d.remote_target);
  if (m.RequestUri().empty()) {
    return Fail(
        Error::InvalidArgument("SIP dialog: remote target does not parse: " + d.remote_target));
  }
  KB_CHECK(m.AddHeader("From", "<" + d.local_uri + ">;tag=" + d.id.local_tag));
  std::string to = "<" + d.remote_uri + ">";
  if (!d.id.remote_tag.empty()) to += ";tag=" + d.id.remote_tag;
  KB_CHECK(m.AddHeader("To", to));
  KB_CHECK(m.AddHeader("Call-ID", d.id.call_id));
  KB_CHECK(m.AddHeader("CSeq", std::to_string(cseq) + " " + std::string(method)));
  KB_CHECK(m.AddHeader("Max-Forwards", "70"));
  return m;
}

}  // namespace

Result<SipMessage> Dialog::NewRequest(std::string_view method) {
  if (local_cseq >= 0x7fffffffu) return Fail(Error::InvalidArgument("SIP dialog: CSeq exhausted"));
  return InDialog(*this, method, ++local_cseq);
}

Result<SipMessage> Dialog::Ack() const { return InDialog(*this, "ACK", invite_cseq); }

Status Dialog::AcceptRemoteCSeq(uint32_t cseq) {
  if (remote_cseq && cseq <= *remote_cseq) {
    return Fail(Error::Malformed("SIP dialog: CSeq " + std::to_string(cseq) +
                                 " not above the last one " + std::to_string(*remote_cseq)));
  }
  remote_cseq = cseq;
  return Ok();
}

}  // namespace kb::net
