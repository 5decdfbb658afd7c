// RFC 3261 SIP user agent core: the state behind SipStack (transactions, dialogs, the transport
// and the io_context thread), shared by sip_stack.cpp (non-INVITE, routing) and
// sip_stack_invite.cpp (INVITE transactions and dialogs). Internal to src/net.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "net/sip_dialog.h"
#include "net/sip_invite_client_transaction.h"
#include "net/sip_invite_server_transaction.h"
#include "net/sip_stack.h"
#include "net/sip_transaction.h"
#include "net/sip_transport.h"

namespace kb::net {

// A reason phrase is one line of text (RFC 3261 25.1 Reason-Phrase).
std::string OneLine(std::string_view s);
std::string Describe(const SipMessage& m);
std::string HostPort(std::string_view host, uint16_t port);

// One dialog of the table, with what the stack needs for 13.2.2.4 / 13.3.1.4.
struct DialogRecord {
  Dialog dialog;
  std::string ack_wire;  // UAC: the ACK of the 2xx, resent for a retransmitted 2xx
  std::string ok_wire;   // UAS: the 2xx, resent until the ACK arrives
  std::shared_ptr<boost::asio::steady_timer> ok_timer;
  std::chrono::milliseconds ok_interval{0};
  std::chrono::steady_clock::time_point ok_deadline;
  bool confirmed = false;
};

struct SipStack::Impl : std::enable_shared_from_this<SipStack::Impl> {
  explicit Impl(SipStackConfig c);

  void OnMessage(std::string text, const SipEndpoint& source);
  void OnRequest(SipMessage request, const SipEndpoint& source);
  void OnResponse(SipMessage response, const SipEndpoint& source);
  void AnswerBadMessage(std::string_view text, std::string_view reason, const SipEndpoint& source);
  void SendStateless(const SipMessage& request, const SipEndpoint& source, int status,
                     std::string_view reason);
  static SipEndpoint ResponseDestination(const SipMessage& request, const SipEndpoint& source);
  // Pushes our Via (new branch) and the default headers; returns the branch.
  Result<std::string> PrepareRequest(SipMessage& request, Transport transport);
  void StartClient(SipMessage request, SipEndpoint target, ResponseCallback callback);
  // The transaction part of StartClient, for a request already in wire form; key = branch|method.
  void StartClientWire(std::string wire, std::string key, SipEndpoint target,
                       ResponseCallback callback);
  void Shutdown();
  std::string ContactFor(Transport t) const;
  void SendWire(const SipEndpoint& to, const std::string& wire);

  // sip_stack_invite.cpp
  void OnInvite(SipMessage request, const SipEndpoint& source, const std::string& key);
  void OnAck(const SipMessage& ack, const std::string& invite_key);
  void OnCancel(std::shared_ptr<IncomingRequest> cancel, const std::string& invite_key);
  void OnBye(std::shared_ptr<IncomingRequest> bye);
  void RespondInvite(const std::string& key, const SipMessage& invite, const SipEndpoint& to,
                     SipMessage response);
  // Serialises a response and logs it; empty on failure (logged).
  std::string ResponseWire(const SipMessage& response, const SipEndpoint& to);
  void OnInviteResponse(const SipMessage& invite, const SipEndpoint& target,
                        const std::shared_ptr<ResponseCallback>& callback, SipMessage response);
  bool AckRetransmitted2xx(const SipMessage& response);
  void ArmOkRetransmission(const DialogId& id);
  void StartInvite(SipMessage invite, SipEndpoint target, ResponseCallback callback);
  void Bye(DialogId id, ResponseCallback callback);
  void Emit(DialogEvent::Kind kind, const DialogId& id);

  SipStackConfig config;
  TransactionTimers timers;
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
  SipTransport transport;
  std::thread thread;
  RequestHandler handler;
  RequestHandler invite_handler;
  DialogHandler dialog_handler;
  std::map<std::string, std::shared_ptr<ClientNonInviteTransaction>> clients;
  std::map<std::string, std::shared_ptr<ServerNonInviteTransaction>> servers;
  std::map<std::string, std::shared_ptr<ClientInviteTransaction>> invite_clients;
  std::map<std::string, std::shared_ptr<ServerInviteTransaction>> invite_servers;
  std::map<std::string, std::weak_ptr<IncomingRequest>> pending_invites;  // for CANCEL
  std::map<DialogId, DialogRecord> dialogs;
  bool stopped = false;
};

// A request received by the stack. `deliver` runs on the stack thread with each response; it
// completes, serialises and hands it to the server transaction.
class IncomingRequestImpl : public IncomingRequest {
 public:
  using Deliver = std::function<void(SipMessage response)>;
  // Takes a response already in wire form (status, text): set for non-INVITE requests, whose
  // status-only answers are printed by SipMessage::ResponseText without building a message.
  using DeliverWire = std::function<void(int status, std::string wire)>;
  IncomingRequestImpl(std::weak_ptr<SipStack::Impl> stack, Deliver deliver, SipMessage request,
                      SipEndpoint source, DeliverWire deliver_wire = {});
  ~IncomingRequestImpl() override;

  const SipMessage& request() const override { return request_; }
  const SipEndpoint& source() const override { return source_; }
  void Respond(int status, std::string_view reason) override;
  void Respond(SipMessage response) override;

 private:
  std::weak_ptr<SipStack::Impl> stack_;
  Deliver deliver_;
  DeliverWire deliver_wire_;
  SipMessage request_;
  SipEndpoint source_;
  std::atomic<bool> answered_{false};
};

}  // namespace kb::net
