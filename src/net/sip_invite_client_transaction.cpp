// RFC 3261 17.1.1 with RFC 6026 7.2: the INVITE client transaction.
#include "net/sip_invite_client_transaction.h"

#include <osipparser2/osip_parser.h>

namespace kb::net {

Result<SipMessage> AckForNon2xx(const SipMessage& invite, const SipMessage& response) {
  SipMessage ack = SipMessage::Request("ACK", invite.RequestUri());
  if (ack.RequestUri().empty()) return kb::Fail(Error::InvalidArgument("SIP ACK: no Request-URI"));
  osip_message_t* a = ack.raw();
  const osip_message_t* req = invite.raw();
  const osip_message_t* resp = response.raw();
  auto* top = static_cast<osip_via_t*>(osip_list_get(&req->vias, 0));
  if (top == nullptr || req->from == nullptr || req->call_id == nullptr || req->cseq == nullptr ||
      resp->to == nullptr) {
    return kb::Fail(Error::InvalidArgument("SIP ACK: INVITE or response lacks a header"));
  }
  osip_via_t* via = nullptr;
  osip_via_clone(top, &via);
  osip_list_add(&a->vias, via, -1);
  osip_from_clone(req->from, &a->from);
  osip_to_clone(resp->to, &a->to);
  osip_call_id_clone(req->call_id, &a->call_id);
  osip_cseq_init(&a->cseq);
  osip_cseq_set_number(a->cseq, osip_strdup(req->cseq->number));
  osip_cseq_set_method(a->cseq, osip_strdup("ACK"));
  KB_CHECK(ack.AddHeader("Max-Forwards", "70"));
  return ack;
}

ClientInviteTransaction::ClientInviteTransaction(boost::asio::io_context& io,
                                                 TransactionTimers timers, bool reliable,
                                                 SipMessage invite, std::string wire,
                                                 WireSender send, Callbacks callbacks)
    : timer_a_(io),
      timer_b_(io),
      timer_end_(io),
      timers_(timers),
      reliable_(reliable),
      invite_(std::move(invite)),
      wire_(std::move(wire)),
      send_(std::move(send)),
      callbacks_(std::move(callbacks)),
      interval_(timers.t1) {}

void ClientInviteTransaction::Start() {
  ++transmissions_;
  send_(wire_);
  if (state_ == InviteClientState::kTerminated) return;  // the transport failed at once
  if (!reliable_) ArmTimerA();
  timer_b_.expires_after(64 * timers_.t1);
  timer_b_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self) return;
    if (self->state_ == InviteClientState::kCalling ||
        self->state_ == InviteClientState::kProceeding) {
      self->Fail(Error::Expired("SIP: no final response to INVITE within 64*T1 (Timer B)"));
    }
  });
}

void ClientInviteTransaction::ArmTimerA() {
  timer_a_.expires_after(interval_);
  timer_a_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self || self->state_ != InviteClientState::kCalling) return;
    ++self->transmissions_;
    self->send_(self->wire_);
    self->interval_ *= 2;  // 17.1.1.2: Timer A doubles without the T2 cap
    self->ArmTimerA();
  });
}

void ClientInviteTransaction::OnResponse(SipMessage response) {
  int status = response.StatusCode();
  switch (state_) {
    case InviteClientState::kCalling:
    case InviteClientState::kProceeding:
      timer_a_.cancel();
      if (status < 200) {
        state_ = InviteClientState::kProceeding;
        if (callbacks_.on_response) callbacks_.on_response(std::move(response));
        return;
      }
      timer_b_.cancel();
      if (status < 300) {
        state_ = InviteClientState::kAccepted;
        if (callbacks_.on_response) callbacks_.on_response(std::move(response));
        TerminateAfter(timer_end_, 64 * timers_.t1);  // Timer M
        return;
      }
      {
        auto ack = AckForNon2xx(invite_, response);
        if (ack) {
          auto w = ack->Serialise();
          if (w) ack_wire_ = std::move(*w);
        }
      }
      state_ = InviteClientState::kCompleted;
      SendAck();
      if (callbacks_.on_response) callbacks_.on_response(std::move(response));
      if (state_ == InviteClientState::kTerminated) return;
      if (reliable_) {
        Terminate();
      } else {
        TerminateAfter(timer_end_, 64 * timers_.t1);  // Timer D: >= 32 s with T1 = 500 ms
      }
      return;
    case InviteClientState::kAccepted:
      if (status >= 200 && status < 300 && callbacks_.on_response) {
        callbacks_.on_response(std::move(response));
      }
      return;
    case InviteClientState::kCompleted:
      if (status >= 300) SendAck();  // the ACK was lost: answer the retransmitted final
      return;
    case InviteClientState::kTerminated:
      return;
  }
}

void ClientInviteTransaction::SendAck() {
  if (ack_wire_.empty()) return;
  ++acks_sent_;
  send_(ack_wire_);
}

void ClientInviteTransaction::OnTransportError(const Error& error) {
  if (state_ == InviteClientState::kTerminated) return;
  if (state_ == InviteClientState::kCalling || state_ == InviteClientState::kProceeding) {
    Fail(error);
  } else {
    Terminate();
  }
}

void ClientInviteTransaction::Fail(const Error& error) {
  if (callbacks_.on_error) {
    auto cb = std::move(callbacks_.on_error);
    callbacks_.on_error = nullptr;
    cb(error);
  }
  Terminate();
}

void ClientInviteTransaction::TerminateAfter(boost::asio::steady_timer& timer,
                                             std::chrono::milliseconds after) {
  timer.expires_after(after);
  timer.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (!ec && self) self->Terminate();
  });
}

void ClientInviteTransaction::Terminate() {
  if (state_ == InviteClientState::kTerminated) return;
  state_ = InviteClientState::kTerminated;
  timer_a_.cancel();
  timer_b_.cancel();
  timer_end_.cancel();
  if (callbacks_.on_terminated) {
    auto done = std::move(callbacks_.on_terminated);
    callbacks_.on_terminated = nullptr;
    done();
  }
}

}  // namespace kb::net
