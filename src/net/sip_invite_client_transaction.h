// RFC 3261 17.1.1 (with RFC 6026 7.2): the INVITE client transaction: Timer A (request
// retransmission over UDP), Timer B (no final response), the ACK for a non-2xx final response
// (17.1.1.3) and Timer D; after a 2xx the Accepted state (Timer M) hands retransmitted 2xx to the
// dialog layer, which acknowledges them itself (13.2.2.4). Every member runs on the io_context
// thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <string>

#include "core/error.h"
#include "net/sip_message.h"
#include "net/sip_transaction.h"

namespace kb::net {

enum class InviteClientState { kCalling, kProceeding, kAccepted, kCompleted, kTerminated };

// 17.1.1.3: the ACK for a non-2xx final response: the INVITE's Request-URI, top Via, From,
// Call-ID and CSeq number, the To of the response (with its tag), method ACK, no body.
Result<SipMessage> AckForNon2xx(const SipMessage& invite, const SipMessage& response);

// Calling --1xx--> Proceeding --2xx--> Accepted --Timer M--> Terminated;
// Calling/Proceeding --300-699--> Completed (ACK sent; resent for each retransmitted final)
// --Timer D--> Terminated. Timer A: T1 doubling, UDP only, stopped by any response. Timer B
// (64*T1) ends Calling/Proceeding with kExpired. `on_response` sees every 1xx, the first final
// response, and in Accepted every further 2xx (the TU re-sends its ACK); `on_error` runs at most
// once, for Timer B or a transport failure; `on_terminated` runs last.
class ClientInviteTransaction : public std::enable_shared_from_this<ClientInviteTransaction> {
 public:
  struct Callbacks {
    std::function<void(SipMessage response)> on_response;
    std::function<void(const Error&)> on_error;
    std::function<void()> on_terminated;
  };
  ClientInviteTransaction(boost::asio::io_context& io, TransactionTimers timers, bool reliable,
                          SipMessage invite, std::string wire, WireSender send,
                          Callbacks callbacks);

  void Start();
  void OnResponse(SipMessage response);
  void OnTransportError(const Error& error);
  InviteClientState state() const { return state_; }
  size_t transmissions() const { return transmissions_; }
  size_t acks_sent() const { return acks_sent_; }

 private:
  void ArmTimerA();
  void SendAck();
  void Fail(const Error& error);
  void Terminate();
  void TerminateAfter(boost::asio::steady_timer& timer, std::chrono::milliseconds after);

  boost::asio::steady_timer timer_a_;
  boost::asio::steady_timer timer_b_;
  boost::asio::steady_timer timer_end_;  // D (Completed) or M (Accepted)
  TransactionTimers timers_;
  bool reliable_;
  SipMessage invite_;
  std::string wire_;
  WireSender send_;
  Callbacks callbacks_;
  std::chrono::milliseconds interval_;
  std::string ack_wire_;
  InviteClientState state_ = InviteClientState::kCalling;
  size_t transmissions_ = 0;
  size_t acks_sent_ = 0;
};

}  // namespace kb::net
