// RFC 3261 13 (INVITE sessions), 15 (BYE), 9.2 (CANCEL) and 17.2.3 (ACK matching) in the user
// agent core: INVITE client and server transactions, the 2xx/ACK exchange end to end
// (13.2.2.4, 13.3.1.4) and the dialog table.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "net/sip_stack_impl.h"
#include "net/sip_token.h"

namespace kb::net {

namespace asio = boost::asio;

void SipStack::Impl::Emit(DialogEvent::Kind kind, const DialogId& id) {
  if (dialog_handler) dialog_handler(DialogEvent{kind, id});
}

void SipStack::Impl::OnInvite(SipMessage request, const SipEndpoint& source,
                              const std::string& key) {
  if (auto it = invite_servers.find(key); it != invite_servers.end()) {
    spdlog::debug("sip: retransmission of INVITE {} absorbed", request.CallId());
    auto t = it->second;
    t->OnRequestRetransmission();
    return;
  }
  if (!request.ToTag().empty()) {
    SendStateless(request, source, 501, "Not Implemented: re-INVITE is not supported");
    return;
  }
  if (auto mf = request.Header("Max-Forwards"); mf && *mf == "0") {
    SendStateless(request, source, 483, "Too Many Hops");
    return;
  }
  SipEndpoint to = ResponseDestination(request, source);
  std::string trying;
  if (auto r = SipMessage::ResponseTo(request, 100, "Trying")) trying = ResponseWire(*r, to);
  SetToTag(request, SipToken(6));  // one To tag for every response to this INVITE
  std::weak_ptr<Impl> weak = weak_from_this();
  auto transaction = std::make_shared<ServerInviteTransaction>(
      io, timers, source.transport == Transport::kTcp,
      [weak, to](const std::string& wire) {
        if (auto self = weak.lock()) self->SendWire(to, wire);
      },
      ServerInviteTransaction::Callbacks{
          [call_id = request.CallId()] {
            spdlog::warn("sip: no ACK for the final response to INVITE {} (Timer H)", call_id);
          },
          [weak, key] {
            if (auto self = weak.lock()) {
              self->invite_servers.erase(key);
              self->pending_invites.erase(key);
            }
          }});
  invite_servers[key] = transaction;
  transaction->Start(std::move(trying));
  auto invite = std::make_shared<SipMessage>(request.Clone());
  auto deliver = [weak, key, invite, to](SipMessage response) {
    if (auto self = weak.lock()) self->RespondInvite(key, *invite, to, std::move(response));
  };
  auto incoming =
      std::make_shared<IncomingRequestImpl>(weak, std::move(deliver), std::move(request), source);
  pending_invites[key] = incoming;
  if (invite_handler) {
    invite_handler(std::move(incoming));
  } else {
    incoming->Respond(501, "Not Implemented: no handler for INVITE");
  }
}

void SipStack::Impl::RespondInvite(const std::string& key, const SipMessage& invite,
                                   const SipEndpoint& to, SipMessage response) {
  auto it = invite_servers.find(key);
  if (it == invite_servers.end()) {
    spdlog::debug("sip: response {} to a finished INVITE {} dropped", response.StatusCode(),
                  invite.CallId());
    return;
  }
  auto transaction = it->second;
  int status = response.StatusCode();
  bool success = status >= 200 && status < 300;
  if (success && !response.Header("Contact")) {
    (void)response.AddHeader("Contact", ContactFor(to.transport));
  }
  std::string wire = ResponseWire(response, to);
  if (wire.empty() || !transaction->Respond(status, wire)) return;
  if (status >= 200) pending_invites.erase(key);
  if (!success) return;
  auto dialog = Dialog::AsUas(invite, response, to);
  if (!dialog) {
    spdlog::warn("sip: {}", dialog.error().message());
    return;
  }
  DialogId id = dialog->id;
  DialogRecord record;
  record.dialog = std::move(*dialog);
  record.ok_wire = std::move(wire);
  record.ok_timer = std::make_shared<asio::steady_timer>(io);
  record.ok_interval = timers.t1;
  record.ok_deadline = std::chrono::steady_clock::now() + 64 * timers.t1;
  dialogs.insert_or_assign(id, std::move(record));
  spdlog::info("sip: dialog {} answered (UAS)", id.ToString());
  ArmOkRetransmission(id);
}

// 13.3.1.4: the 2xx is resent at T1 doubling to T2 over UDP until the ACK arrives; after 64*T1
// without it the session ends with BYE. Over TCP the transport is reliable: only the deadline.
void SipStack::Impl::ArmOkRetransmission(const DialogId& id) {
  auto it = dialogs.find(id);
  if (it == dialogs.end()) return;
  DialogRecord& r = it->second;
  auto now = std::chrono::steady_clock::now();
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(r.ok_deadline - now);
  bool reliable = r.dialog.next_hop.transport == Transport::kTcp;
  auto wait = reliable ? left : std::min(r.ok_interval, left);
  r.ok_timer->expires_after(std::max(wait, std::chrono::milliseconds(0)));
  r.ok_timer->async_wait([weak = weak_from_this(), id](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self) return;
    auto found = self->dialogs.find(id);
    if (found == self->dialogs.end() || found->second.confirmed) return;
    DialogRecord& rec = found->second;
    if (std::chrono::steady_clock::now() >= rec.ok_deadline) {
      spdlog::warn("sip: no ACK for the 2xx of dialog {} within 64*T1; sending BYE", id.ToString());
      self->Emit(DialogEvent::Kind::kAckTimeout, id);
      self->Bye(id, [id](Result<SipMessage> bye) {
        if (!bye) spdlog::warn("sip: BYE of {}: {}", id.ToString(), bye.error().message());
      });
      return;
    }
    self->SendWire(rec.dialog.next_hop, rec.ok_wire);
    rec.ok_interval = std::min(2 * rec.ok_interval, self->timers.t2);
    self->ArmOkRetransmission(id);
  });
}

void SipStack::Impl::OnAck(const SipMessage& ack, const std::string& invite_key) {
  if (auto it = invite_servers.find(invite_key);
      it != invite_servers.end() && it->second->state() != InviteServerState::kAccepted) {
    auto t = it->second;
    t->OnAck();  // the ACK of our non-2xx final response
    return;
  }
  DialogId id = IncomingDialogId(ack);
  auto it = dialogs.find(id);
  if (it == dialogs.end() || it->second.dialog.is_uac) {
    spdlog::debug("sip: ACK outside any dialog ({}) absorbed", id.ToString());
    return;
  }
  if (it->second.confirmed) return;  // a retransmitted ACK
  it->second.confirmed = true;
  it->second.ok_timer->cancel();
  spdlog::info("sip: dialog {} confirmed by ACK", id.ToString());
  Emit(DialogEvent::Kind::kConfirmed, id);
}

void SipStack::Impl::OnCancel(std::shared_ptr<IncomingRequest> cancel,
                              const std::string& invite_key) {
  // 9.2: a CANCEL matches the INVITE server transaction with the same branch.
  auto pending = pending_invites.find(invite_key);
  auto transaction = invite_servers.find(invite_key);
  std::shared_ptr<IncomingRequest> invite =
      pending == pending_invites.end() ? nullptr : pending->second.lock();
  if (!invite || transaction == invite_servers.end() ||
      transaction->second->state() != InviteServerState::kProceeding) {
    cancel->Respond(481, "Call/Transaction Does Not Exist");
    return;
  }
  cancel->Respond(200, "OK");
  invite->Respond(487, "Request Terminated");
}

void SipStack::Impl::OnBye(std::shared_ptr<IncomingRequest> bye) {
  DialogId id = IncomingDialogId(bye->request());
  auto it = dialogs.find(id);
  if (it == dialogs.end()) {
    bye->Respond(481, "Call/Transaction Does Not Exist: no such dialog");
    return;
  }
  if (auto s = it->second.dialog.AcceptRemoteCSeq(bye->request().CSeqNumber()); !s) {
    bye->Respond(500, "Server Internal Error: " + s.error().message());
    return;
  }
  if (it->second.ok_timer) it->second.ok_timer->cancel();
  dialogs.erase(it);
  bye->Respond(200, "OK");
  spdlog::info("sip: dialog {} ended by BYE", id.ToString());
  Emit(DialogEvent::Kind::kByeReceived, id);
}

void SipStack::Impl::StartInvite(SipMessage invite, SipEndpoint target, ResponseCallback callback) {
  if (stopped) return callback(Fail(Error::Io("SIP stack stopped")));
  if (invite.Method() != "INVITE") {
    return callback(Fail(Error::InvalidArgument("SIP: SendInvite needs an INVITE")));
  }
  if (target.transport == Transport::kUdp && transport.udp_port() == 0) {
    return callback(Fail(Error::Unsupported("SIP: UDP is disabled in this stack")));
  }
  if (invite.RequestUri().empty()) {
    return callback(Fail(Error::InvalidArgument("SIP: INVITE without a valid Request-URI")));
  }
  if (!invite.Header("Contact")) (void)invite.AddHeader("Contact", ContactFor(target.transport));
  auto branch = PrepareRequest(invite, target.transport);
  if (!branch) return callback(Fail(branch.error()));
  auto wire = invite.Serialise();
  if (!wire) return callback(Fail(wire.error()));
  std::string key = *branch + "|INVITE";
  spdlog::debug("sip: tx INVITE {} to {}, {}", invite.RequestUri(), target.ToString(),
                Describe(invite));
  std::weak_ptr<Impl> weak = weak_from_this();
  auto cb = std::make_shared<ResponseCallback>(std::move(callback));
  auto sent = std::make_shared<SipMessage>(invite.Clone());
  auto cell = std::make_shared<std::weak_ptr<ClientInviteTransaction>>();
  WireSender sender = [weak, target, cell](const std::string& text) {
    auto self = weak.lock();
    if (!self) return;
    self->transport.Send(target, text, [cell](const Error& e) {
      if (auto t = cell->lock()) t->OnTransportError(e);
    });
  };
  ClientInviteTransaction::Callbacks callbacks{[weak, sent, target, cb](SipMessage response) {
                                                 if (auto self = weak.lock())
                                                   self->OnInviteResponse(*sent, target, cb,
                                                                          std::move(response));
                                               },
                                               [cb](const Error& e) {
                                                 if (!*cb) return;
                                                 auto c = std::move(*cb);
                                                 *cb = nullptr;
                                                 c(Fail(e));
                                               },
                                               [weak, key] {
                                                 if (auto self = weak.lock())
                                                   self->invite_clients.erase(key);
                                               }};
  auto transaction = std::make_shared<ClientInviteTransaction>(
      io, timers, target.transport == Transport::kTcp, std::move(invite), std::move(*wire),
      std::move(sender), std::move(callbacks));
  *cell = transaction;
  invite_clients[key] = transaction;
  transaction->Start();
}

void SipStack::Impl::OnInviteResponse(const SipMessage& invite, const SipEndpoint& target,
                                      const std::shared_ptr<ResponseCallback>& cb,
                                      SipMessage response) {
  int status = response.StatusCode();
  auto final_callback = [&cb](Result<SipMessage> r) {
    if (!*cb) return;
    auto c = std::move(*cb);
    *cb = nullptr;
    c(std::move(r));
  };
  if (status < 200) {
    if (*cb) (*cb)(std::move(response));
    return;
  }
  if (status >= 300) {
    final_callback(std::move(response));
    return;
  }
  if (AckRetransmitted2xx(response)) return;
  auto dialog = Dialog::AsUac(invite, response, target);
  if (!dialog) return final_callback(Fail(dialog.error()));
  auto ack = dialog->Ack();
  if (!ack) return final_callback(Fail(ack.error()));
  if (auto b = PrepareRequest(*ack, target.transport); !b) return final_callback(Fail(b.error()));
  auto wire = ack->Serialise();
  if (!wire) return final_callback(Fail(wire.error()));
  DialogId id = dialog->id;
  DialogRecord record;
  record.dialog = std::move(*dialog);
  record.ack_wire = std::move(*wire);
  record.confirmed = true;
  SendWire(target, record.ack_wire);
  dialogs.insert_or_assign(id, std::move(record));
  spdlog::info("sip: dialog {} established (UAC), ACK sent", id.ToString());
  final_callback(std::move(response));
}

bool SipStack::Impl::AckRetransmitted2xx(const SipMessage& response) {
  int status = response.StatusCode();
  if (status < 200 || status >= 300 || response.Method() != "INVITE") return false;
  auto it = dialogs.find(ResponseDialogId(response));
  if (it == dialogs.end() || !it->second.dialog.is_uac || it->second.ack_wire.empty()) {
    return false;
  }
  spdlog::debug("sip: 2xx retransmission for {}: ACK resent", it->first.ToString());
  SendWire(it->second.dialog.next_hop, it->second.ack_wire);
  return true;
}

void SipStack::Impl::Bye(DialogId id, ResponseCallback callback) {
  auto it = dialogs.find(id);
  if (it == dialogs.end()) {
    return callback(Fail(Error::NotFound("SIP: no dialog " + id.ToString())));
  }
  auto bye = it->second.dialog.NewRequest("BYE");
  SipEndpoint target = it->second.dialog.next_hop;
  if (it->second.ok_timer) it->second.ok_timer->cancel();
  dialogs.erase(it);
  if (!bye) return callback(Fail(bye.error()));
  StartClient(std::move(*bye), std::move(target), std::move(callback));
}

}  // namespace kb::net
