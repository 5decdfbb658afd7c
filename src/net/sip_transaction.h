// RFC 3261 clauses 17.1.2 and 17.2.2: the non-INVITE client and server transaction state
// machines, with their timers (E, F, K; J) on a Boost.Asio io_context. Used by SipStack; every
// member runs on the io_context thread. The INVITE machines (17.1.1, 17.2.1) will sit beside
// these with the same shape: a state, a send function, timers and a completion callback.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/error.h"
#include "net/sip_message.h"

namespace kb::net {

struct TransactionTimers {
  std::chrono::milliseconds t1{500};
  std::chrono::milliseconds t2{4000};
  std::chrono::milliseconds t4{5000};
};

// Hands one serialised message to the transport (the destination is fixed per transaction).
using WireSender = std::function<void(const std::string& wire)>;

enum class TransactionState { kTrying, kProceeding, kCompleted, kTerminated };

// 17.1.2: Trying --1xx--> Proceeding --final--> Completed --Timer K--> Terminated. Over an
// unreliable transport the request is resent on Timer E (T1, doubling to T2; T2 in
// Proceeding); Timer F (64*T1) ends the transaction with kExpired. The final response or the
// error goes to `on_final` once; `on_terminated` runs last (the owner forgets the transaction).
class ClientNonInviteTransaction : public std::enable_shared_from_this<ClientNonInviteTransaction> {
 public:
  using FinalCallback = std::function<void(Result<SipMessage>)>;
  ClientNonInviteTransaction(boost::asio::io_context& io, TransactionTimers timers, bool reliable,
                             std::string wire, WireSender send, FinalCallback on_final,
                             std::function<void()> on_terminated);

  void Start();
  void OnResponse(SipMessage response);
  // A transport failure (RFC 3261 17.1.4): the caller learns it, the transaction ends.
  void OnTransportError(const Error& error);
  TransactionState state() const { return state_; }
  size_t transmissions() const { return transmissions_; }

 private:
  void Send();
  void ArmTimerE();
  void Finish(Result<SipMessage> outcome);
  void Terminate();

  boost::asio::steady_timer timer_e_;
  boost::asio::steady_timer timer_f_;
  boost::asio::steady_timer timer_k_;
  TransactionTimers timers_;
  bool reliable_;
  std::string wire_;
  WireSender send_;
  FinalCallback on_final_;
  std::function<void()> on_terminated_;
  std::chrono::milliseconds interval_;
  TransactionState state_ = TransactionState::kTrying;
  size_t transmissions_ = 0;
};

// 17.2.2: Trying --1xx--> Proceeding --final--> Completed --Timer J--> Terminated. A request
// retransmission is absorbed in Trying and answered with the last response in Proceeding and
// Completed. Timer J is 64*T1 over an unreliable transport and zero over a reliable one.
class ServerNonInviteTransaction : public std::enable_shared_from_this<ServerNonInviteTransaction> {
 public:
  ServerNonInviteTransaction(boost::asio::io_context& io, TransactionTimers timers, bool reliable,
                             WireSender send, std::function<void()> on_terminated);

  void OnRequestRetransmission();
  // Sends a response from the TU. A provisional one after the final one is dropped (false), as
  // is any response after the final one.
  bool Respond(int status, std::string wire);
  TransactionState state() const { return state_; }
  size_t retransmissions_absorbed() const { return absorbed_; }

 private:
  void Terminate();

  boost::asio::steady_timer timer_j_;
  TransactionTimers timers_;
  bool reliable_;
  WireSender send_;
  std::function<void()> on_terminated_;
  std::string last_response_;
  TransactionState state_ = TransactionState::kTrying;
  size_t absorbed_ = 0;
};

}  // namespace kb::net
