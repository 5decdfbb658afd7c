// RFC 3261 clauses 17.1.2 and 17.2.2: non-INVITE client and server transactions.
#include "net/sip_transaction.h"

#include <algorithm>

namespace kb::net {

ClientNonInviteTransaction::ClientNonInviteTransaction(boost::asio::io_context& io,
                                                       TransactionTimers timers, bool reliable,
                                                       std::string wire, WireSender send,
                                                       FinalCallback on_final,
                                                       std::function<void()> on_terminated)
    : timer_e_(io),
      timer_f_(io),
      timer_k_(io),
      timers_(timers),
      reliable_(reliable),
      wire_(std::move(wire)),
      send_(std::move(send)),
      on_final_(std::move(on_final)),
      on_terminated_(std::move(on_terminated)),
      interval_(timers.t1) {}

void ClientNonInviteTransaction::Start() {
  Send();
  if (state_ == TransactionState::kTerminated) return;  // the transport failed at once
  if (!reliable_) ArmTimerE();
  timer_f_.expires_after(64 * timers_.t1);
  timer_f_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self) return;
    if (self->state_ == TransactionState::kTrying ||
        self->state_ == TransactionState::kProceeding) {
      self->Finish(Fail(Error::Expired("SIP: no final response within 64*T1 (Timer F)")));
      self->Terminate();
    }
  });
}

void ClientNonInviteTransaction::Send() {
  ++transmissions_;
  send_(wire_);
}

void ClientNonInviteTransaction::ArmTimerE() {
  timer_e_.expires_after(interval_);
  timer_e_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self) return;
    if (self->state_ == TransactionState::kTrying) {
      self->Send();
      self->interval_ = std::min(2 * self->interval_, self->timers_.t2);
      self->ArmTimerE();
    } else if (self->state_ == TransactionState::kProceeding) {
      self->Send();
      self->interval_ = self->timers_.t2;
      self->ArmTimerE();
    }
  });
}

void ClientNonInviteTransaction::OnResponse(SipMessage response) {
  int status = response.StatusCode();
  if (state_ == TransactionState::kCompleted || state_ == TransactionState::kTerminated) {
    return;  // a retransmitted final response, absorbed
  }
  if (status < 200) {
    state_ = TransactionState::kProceeding;
    return;
  }
  timer_e_.cancel();
  timer_f_.cancel();
  Finish(std::move(response));
  state_ = TransactionState::kCompleted;
  if (reliable_) {
    Terminate();
    return;
  }
  timer_k_.expires_after(timers_.t4);
  timer_k_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (!ec && self) self->Terminate();
  });
}

void ClientNonInviteTransaction::OnTransportError(const Error& error) {
  if (state_ == TransactionState::kCompleted || state_ == TransactionState::kTerminated) return;
  Finish(Fail(error));
  Terminate();
}

void ClientNonInviteTransaction::Finish(Result<SipMessage> outcome) {
  if (!on_final_) return;
  auto cb = std::move(on_final_);
  on_final_ = nullptr;
  cb(std::move(outcome));
}

void ClientNonInviteTransaction::Terminate() {
  if (state_ == TransactionState::kTerminated) return;
  state_ = TransactionState::kTerminated;
  timer_e_.cancel();
  timer_f_.cancel();
  timer_k_.cancel();
  if (on_terminated_) {
    auto done = std::move(on_terminated_);
    on_terminated_ = nullptr;
    done();
  }
}

ServerNonInviteTransaction::ServerNonInviteTransaction(boost::asio::io_context& io,
                                                       TransactionTimers timers, bool reliable,
                                                       WireSender send,
                                                       std::function<void()> on_terminated)
    : timer_j_(io),
      timers_(timers),
      reliable_(reliable),
      send_(std::move(send)),
      on_terminated_(std::move(on_terminated)) {}

void ServerNonInviteTransaction::OnRequestRetransmission() {
  ++absorbed_;
  if (state_ == TransactionState::kProceeding || state_ == TransactionState::kCompleted) {
    send_(last_response_);
  }
}

bool ServerNonInviteTransaction::Respond(int status, std::string wire) {
  if (state_ == TransactionState::kCompleted || state_ == TransactionState::kTerminated) {
    return false;
  }
  last_response_ = std::move(wire);
  send_(last_response_);
  if (status < 200) {
    state_ = TransactionState::kProceeding;
    return true;
  }
  state_ = TransactionState::kCompleted;
  if (reliable_) {
    Terminate();
    return true;
  }
  timer_j_.expires_after(64 * timers_.t1);
  timer_j_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (!ec && self) self->Terminate();
  });
  return true;
}

void ServerNonInviteTransaction::Terminate() {
  if (state_ == TransactionState::kTerminated) return;
  state_ = TransactionState::kTerminated;
  timer_j_.cancel();
  if (on_terminated_) {
    auto done = std::move(on_terminated_);
    on_terminated_ = nullptr;
    done();
  }
}

}  // namespace kb::net
