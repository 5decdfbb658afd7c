// RFC 3261 clause 12 dialogs (12.1 creation by UAC and UAS, 12.2 requests within a dialog) and
// 13.2.2.4 (the ACK of a 2xx): the state of one INVITE dialog as pure values. SipStack keeps a
// table of them and does the 2xx retransmission / ACK exchange (13.3.1.4) and BYE (15).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "net/sip_message.h"
#include "net/sip_stack.h"

namespace kb::net {

// The dialog an incoming request or ACK belongs to, seen from the receiver (To tag = local).
DialogId IncomingDialogId(const SipMessage& request);
// The dialog a response to our request belongs to (From tag = local, To tag = remote).
DialogId ResponseDialogId(const SipMessage& response);

// The URI inside the first Contact header ("" when there is none).
std::string ContactUri(const SipMessage& message);

// Sets the To tag of a message (the UAS's tag for every response to one INVITE).
void SetToTag(SipMessage& message, std::string_view tag);

// 12.1: one dialog. next_hop is where in-dialog requests go: the peer or the MC service server
// the INVITE went through (no Route sets: the nodes talk to configured addresses).
struct Dialog {
  DialogId id;
  std::string local_uri;
  std::string remote_uri;
  std::string remote_target;  // the peer's Contact (Request-URI of in-dialog requests)
  uint32_t local_cseq = 0;
  std::optional<uint32_t> remote_cseq;
  uint32_t invite_cseq = 0;
  SipEndpoint next_hop;
  bool is_uac = false;

  // 12.1.2: from our INVITE and the 2xx it got. Errors: a response without a To tag.
  static Result<Dialog> AsUac(const SipMessage& invite, const SipMessage& response,
                              SipEndpoint next_hop);
  // 12.1.1: from a received INVITE and our 2xx to it. Errors: a response without a To tag.
  static Result<Dialog> AsUas(const SipMessage& invite, const SipMessage& response,
                              SipEndpoint next_hop);

  // 12.2.1.1: a request within the dialog, CSeq = ++local_cseq. No Via (the stack adds it).
  Result<SipMessage> NewRequest(std::string_view method);
  // 13.2.2.4: the ACK of the 2xx (CSeq number of the INVITE, method ACK). No Via.
  Result<SipMessage> Ack() const;
  // 12.2.2: an in-dialog request's CSeq must be above the last one (else the UAS answers 500).
  Status AcceptRemoteCSeq(uint32_t cseq);
};

}  // namespace kb::net
