// RFC 3261 SIP user agent core over UDP and TCP (clause 18) with non-INVITE client and server
// transactions (17.1.2, 17.2.2), on one Boost.Asio io_context thread per stack. Carries the SIP
// MESSAGEs of TS 24.379 / TS 29.379 between MC clients, the MC service server, the IWF and the
// KMF; bodies are opaque here.
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

// The final response, or an error: kExpired (Timer F: no final response within 64*T1), kIo (the
// transport failed: connection refused, reset, send error), kInvalidArgument (bad request).
using ResponseCallback = std::function<void(Result<SipMessage>)>;

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

  // A new request: Request-URI, From <sip:user@domain> (or `from`) with a tag, To, a fresh
  // Call-ID, CSeq 1 <method>, Max-Forwards 70. No Via: SendRequest adds it.
  // Errors: a URI that does not parse (named).
  Result<SipMessage> NewRequest(std::string_view method, std::string_view request_uri,
                                std::string_view to, std::string_view from = {}) const;

  // Sends a non-INVITE request in a new client transaction (17.1.2): pushes our Via (transport,
  // sent-by, new z9hG4bK branch, rport), adds Max-Forwards if absent, retransmits over UDP
  // (Timer E) and gives up after 64*T1 (Timer F). `callback` runs exactly once, on the stack
  // thread, with the final response or an error; provisional responses are absorbed.
  // INVITE and ACK are refused (kUnsupported) until the INVITE transactions exist.
  void SendRequest(SipMessage request, SipEndpoint target, ResponseCallback callback);

  struct Impl;

 private:
  explicit SipStack(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace kb::net
