// RFC 3261 SIP user agent core over UDP and TCP (clause 18) with the non-INVITE (17.1.2, 17.2.2)
// and INVITE (17.1.1, 17.2.1, RFC 6026) transactions and a minimal dialog layer (12, 13, 15:
// INVITE/2xx/ACK end to end, BYE), on one Boost.Asio io_context thread per stack. Carries the SIP
// MESSAGEs of TS 24.379 / TS 29.379 and the call setup between MC clients, the MC service server,
// the IWF and the KMF; bodies are opaque here.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"
#include "net/sip_message.h"

namespace kb::net {

enum class Transport { kUdp, kTcp };
std::string_view TransportName(Transport t);  // "UDP" / "TCP"

// Where a message goes or came from. host is an IPv4 or IPv6 literal (no DNS, RFC 3263).
struct SipEndpoint {
  Transport transport = Transport::kUdp;
  std::string host;
  uint16_t port = 0;
  std::string ToString() const;  // "UDP 127.0.0.1:5060"
  bool operator==(const SipEndpoint&) const = default;
};

struct SipStackConfig {
  std::string bind_address = "127.0.0.1";
  uint16_t udp_port = 0;  // 0 = ephemeral (read the bound port with udp_port())
  uint16_t tcp_port = 0;
  bool enable_udp = true;
  bool enable_tcp = true;
  // Host written in our Via headers; empty = bind_address (set it when binding 0.0.0.0).
  std::string via_host;
  std::string domain = "localhost";  // our SIP domain, for NewRequest's From
  std::string user = "keybridge";    // our user part, for NewRequest's From
  // RFC 3261 17.1.1.1 timers: T1 (RTT estimate), T2 (maximum retransmit interval), T4
  // (maximum time a message stays in the network). Tests use a few milliseconds.
  std::chrono::milliseconds t1{500};
  std::chrono::milliseconds t2{4000};
  std::chrono::milliseconds t4{5000};
  size_t max_message_size = 65535;  // larger messages are refused (TCP) or cannot arrive (UDP)
  std::string user_agent = "keybridge";
};

// A request received by the stack, with the server transaction that will carry its response.
// Respond() may be called from any thread, once with a final (>= 200) status, optionally after
// provisional ones. If the last reference goes without a final response, the stack answers
// 500 "request handler did not answer".
class IncomingRequest {
 public:
  virtual ~IncomingRequest() = default;
  virtual const SipMessage& request() const = 0;
  virtual const SipEndpoint& source() const = 0;
  // A response built with SipMessage::ResponseTo(request(), ...) and completed by the caller.
  virtual void Respond(SipMessage response) = 0;
  // Status and reason phrase only; the reason says what was wrong ("Bad Request: no body").
  virtual void Respond(int status, std::string_view reason) = 0;
};

using RequestHandler = std::function<void(std::shared_ptr<IncomingRequest>)>;

// RFC 3261 12: a dialog is named by Call-ID, local tag and remote tag.
struct DialogId {
  std::string call_id;
  std::string local_tag;
  std::string remote_tag;
  auto operator<=>(const DialogId&) const = default;
  std::string ToString() const;  // "call-id;local=..;remote=.."
};

// What happens to a dialog after its INVITE transaction, reported to the dialog handler:
// kConfirmed: the ACK of our 2xx arrived (UAS); kAckTimeout: it did not within 64*T1, the stack
// sent BYE and forgot the dialog (13.3.1.4); kByeReceived: the peer hung up (answered 200).
struct DialogEvent {
  enum class Kind { kConfirmed, kAckTimeout, kByeReceived };
  Kind kind = Kind::kConfirmed;
  DialogId id;
};
using DialogHandler = std::function<void(const DialogEvent&)>;

// The final response, or an error: kExpired (Timer F: no final response within 64*T1), kIo (the
// transport failed: connection refused, reset, send error), kInvalidArgument (bad request).
using ResponseCallback = std::function<void(Result<SipMessage>)>;

// A non-INVITE request given as its parts, sent by SipStack::SendPrepared as text without
// building an oSIP message (the relay's hot path). The URIs are written as they are: give URIs
// that parsed before (a registered Contact, a canonical AOR).
struct PreparedRequest {
  std::string_view method;        // e.g. "MESSAGE"
  std::string_view request_uri;   // "sip:alice@127.0.0.1:5070;transport=tcp"
  std::string_view to;            // To URI (no tag)
  std::string_view from;          // From URI; "" = sip:<user>@<domain> of the stack
  std::string_view content_type;  // "" = no body
  std::string_view body;
};

// One SIP stack: sockets, transactions and an io_context thread. Handlers and callbacks run on
// that thread; they must not block it. Destroying the stack fails pending client
// transactions with kIo "stack stopped" and then joins the thread; do not destroy it from
// one of its own callbacks.
class SipStack {
 public:
  // Binds the sockets and starts the thread. Errors: kIo when a port cannot be bound.
  static Result<std::unique_ptr<SipStack>> Start(SipStackConfig config);
  ~SipStack();
  SipStack(const SipStack&) = delete;
  SipStack& operator=(const SipStack&) = delete;

  uint16_t udp_port() const;  // bound ports (0 when the transport is disabled)
  uint16_t tcp_port() const;
  // Our address for a transport, e.g. to give to a peer or to put in a Contact.
  SipEndpoint LocalEndpoint(Transport t) const;
  const SipStackConfig& config() const;

  // Handler for every incoming non-INVITE request except ACK and CANCEL. Without one, requests
  // are answered 501. Set it before traffic arrives (it is read on the stack thread).
  void SetRequestHandler(RequestHandler handler);

  // Handler for incoming INVITEs that start a dialog (no To tag). The stack has sent 100 Trying
  // and put its To tag in request(); respond with 1xx, then one final response (a 2xx carries
  // the SDP answer; the stack adds a Contact when absent, resends the 2xx until the ACK arrives
  // and reports it to the dialog handler). Without a handler INVITEs get 501. A re-INVITE gets
  // 501 (not supported); a CANCEL of a pending INVITE gets 200 and the INVITE 487.
  void SetInviteHandler(RequestHandler handler);
  void SetDialogHandler(DialogHandler handler);

  // A new request: Request-URI, From <sip:user@domain> (or `from`) with a tag, To, a fresh
  // Call-ID, CSeq 1 <method>, Max-Forwards 70. No Via: SendRequest adds it.
  // Errors: a URI that does not parse (named).
  Result<SipMessage> NewRequest(std::string_view method, std::string_view request_uri,
                                std::string_view to, std::string_view from = {}) const;

  // Sends a non-INVITE request in a new client transaction (17.1.2): pushes our Via (transport,
  // sent-by, new z9hG4bK branch, rport), adds Max-Forwards if absent, retransmits over UDP
  // (Timer E) and gives up after 64*T1 (Timer F). `callback` runs exactly once, on the stack
  // thread, with the final response or an error; provisional responses are absorbed.
  // INVITE (use SendInvite), ACK and BYE (use SendBye) are refused with kUnsupported.
  void SendRequest(SipMessage request, SipEndpoint target, ResponseCallback callback);

  // As SendRequest for a request assembled as text from `r`: start line, Via (new branch,
  // rport), From <from>;tag=<new>, To <to>, a new Call-ID, CSeq 1 <method>, Max-Forwards 70,
  // User-Agent, Content-Type and Content-Length, then the body; the same client transaction.
  // May be called from any thread (the text is assembled on the caller's thread). A method or
  // URI with a character that would break the text (CR, LF, NUL, space, '<', '>') ends in the
  // callback with kInvalidArgument; INVITE, ACK and BYE with kUnsupported.
  void SendPrepared(const PreparedRequest& r, SipEndpoint target, ResponseCallback callback);

  // Sends an INVITE (from NewRequest, with its SDP offer) in an INVITE client transaction
  // (17.1.1): Via, a Contact when absent, Timer A/B. `callback` runs on the stack thread for
  // every provisional response, then once with the final response or an error (kExpired for
  // Timer B, kIo). A non-2xx is acknowledged by the transaction; a 2xx creates the dialog
  // (ResponseDialogId(response) names it) and the stack sends its ACK, again for every
  // retransmitted 2xx.
  void SendInvite(SipMessage invite, SipEndpoint target, ResponseCallback callback);

  // Ends a dialog with BYE (15.1.1); the dialog is forgotten at once. kNotFound when unknown.
  void SendBye(DialogId id, ResponseCallback callback);

  struct Impl;

 private:
  explicit SipStack(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace kb::net
