// RFC 3261 17.2.1 (with RFC 6026 7.1): the INVITE server transaction: 100 Trying at once,
// request retransmissions answered with the last provisional response, a non-2xx final response
// resent on Timer G over UDP until the ACK arrives (Timer H gives up), Timer I absorbing ACK
// retransmissions; after a 2xx the Accepted state (Timer L) absorbs retransmitted INVITEs while
// the dialog layer resends the 2xx itself (13.3.1.4). Every member runs on the io_context thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <string>

#include "net/sip_transaction.h"

namespace kb::net {

enum class InviteServerState { kProceeding, kAccepted, kCompleted, kConfirmed, kTerminated };

// Proceeding --2xx--> Accepted --Timer L--> Terminated;
// Proceeding --300-699--> Completed --ACK--> Confirmed --Timer I--> Terminated;
// Completed --Timer H--> Terminated (on_ack_timeout: the ACK never came).
class ServerInviteTransaction : public std::enable_shared_from_this<ServerInviteTransaction> {
 public:
  struct Callbacks {
    std::function<void()> on_ack_timeout;  // Timer H fired
    std::function<void()> on_terminated;
  };
  ServerInviteTransaction(boost::asio::io_context& io, TransactionTimers timers, bool reliable,
                          WireSender send, Callbacks callbacks);

  // Sends `trying_wire` (100 Trying, 17.2.1: at once, so the client stops Timer A).
  void Start(std::string trying_wire);
  void OnRequestRetransmission();
  // The ACK of a non-2xx final response (same branch as the INVITE).
  void OnAck();
  // A response from the TU: 1xx (Proceeding only), 2xx or 300-699. False when dropped (after the
  // final one).
  bool Respond(int status, std::string wire);
  InviteServerState state() const { return state_; }
  size_t final_transmissions() const { return final_transmissions_; }

 private:
  void ArmTimerG();
  void TerminateAfter(std::chrono::milliseconds after);
  void Terminate();

  boost::asio::steady_timer timer_g_;
  boost::asio::steady_timer timer_h_;
  boost::asio::steady_timer timer_end_;  // I (Confirmed) or L (Accepted)
  TransactionTimers timers_;
  bool reliable_;
  WireSender send_;
  Callbacks callbacks_;
  std::chrono::milliseconds interval_;
  std::string last_response_;
  InviteServerState state_ = InviteServerState::kProceeding;
  size_t final_transmissions_ = 0;
};

}  // namespace kb::net
