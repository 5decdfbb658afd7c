// RFC 3261 17.2.1 with RFC 6026 7.1: the INVITE server transaction.
#include "net/sip_invite_server_transaction.h"

#include <algorithm>

namespace kb::net {

ServerInviteTransaction::ServerInviteTransaction(boost::asio::io_context& io,
                                                 TransactionTimers timers, bool reliable,
                                                 WireSender send, Callbacks callbacks)
    : timer_g_(io),
      timer_h_(io),
      timer_end_(io),
      timers_(timers),
      reliable_(reliable),
      send_(std::move(send)),
      callbacks_(std::move(callbacks)),
      interval_(timers.t1) {}

void ServerInviteTransaction::Start(std::string trying_wire) {
  last_response_ = std::move(trying_wire);
  if (!last_response_.empty()) send_(last_response_);
}

void ServerInviteTransaction::OnRequestRetransmission() {
  // Proceeding: resend the last provisional response; Completed: the final one (17.2.1).
  // Accepted and Confirmed absorb it (RFC 6026: the TU resends the 2xx on its own timer).
  if (state_ == InviteServerState::kProceeding && !last_response_.empty()) {
    send_(last_response_);
  } else if (state_ == InviteServerState::kCompleted) {
    ++final_transmissions_;
    send_(last_response_);
  }
}

void ServerInviteTransaction::OnAck() {
  if (state_ != InviteServerState::kCompleted) return;  // absorbed in Confirmed
  state_ = InviteServerState::kConfirmed;
  timer_g_.cancel();
  timer_h_.cancel();
  if (reliable_) {
    Terminate();
  } else {
    TerminateAfter(timers_.t4);  // Timer I
  }
}

bool ServerInviteTransaction::Respond(int status, std::string wire) {
  if (state_ != InviteServerState::kProceeding) return false;
  last_response_ = std::move(wire);
  if (status >= 200) ++final_transmissions_;
  send_(last_response_);
  if (status < 200) return true;
  if (status < 300) {
    state_ = InviteServerState::kAccepted;
    TerminateAfter(64 * timers_.t1);  // Timer L
    return true;
  }
  state_ = InviteServerState::kCompleted;
  if (!reliable_) ArmTimerG();
  timer_h_.expires_after(64 * timers_.t1);
  timer_h_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self || self->state_ != InviteServerState::kCompleted) return;
    if (self->callbacks_.on_ack_timeout) self->callbacks_.on_ack_timeout();
    self->Terminate();
  });
  return true;
}

void ServerInviteTransaction::ArmTimerG() {
  timer_g_.expires_after(interval_);
  timer_g_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self || self->state_ != InviteServerState::kCompleted) return;
    ++self->final_transmissions_;
    self->send_(self->last_response_);
    self->interval_ = std::min(2 * self->interval_, self->timers_.t2);
    self->ArmTimerG();
  });
}

void ServerInviteTransaction::TerminateAfter(std::chrono::milliseconds after) {
  timer_end_.expires_after(after);
  timer_end_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (!ec && self) self->Terminate();
  });
}

void ServerInviteTransaction::Terminate() {
  if (state_ == InviteServerState::kTerminated) return;
  state_ = InviteServerState::kTerminated;
  timer_g_.cancel();
  timer_h_.cancel();
  timer_end_.cancel();
  if (callbacks_.on_terminated) {
    auto done = std::move(callbacks_.on_terminated);
    callbacks_.on_terminated = nullptr;
    done();
  }
}

}  // namespace kb::net
