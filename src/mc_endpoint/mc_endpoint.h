// TS 23.283 clause 10.12 LMR security transport, endpoint side: a SIP user agent (RFC 3261 on
// net::SipStack) that registers an MC service ID with the MC service server (RFC 3261 10.2 with
// Digest, refreshed before expiry and re-established after a server restart), sends non-3GPP
// security messages in either carrier (security_message_sip.h) and receives them. Shared by the
// IWF, the MC-hosted KMF and the LMR-aware MC client (docs/mc-server.md, "Endpoint").
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/error.h"
#include "core/secret.h"
#include "mc_endpoint/security_message_sip.h"
#include "net/sip_stack.h"

namespace kb::mc_endpoint {

// The reason phrase prefix with which the MC service server refuses a request from a sender
// it has no registration for; an endpoint that sees it registers again at once.
inline constexpr std::string_view kNotRegisteredReason = "Forbidden: sender not registered";

struct McEndpointConfig {
  std::string identity;  // our MC service ID / URI, e.g. "sip:alice@example.org" (AOR)
  std::string username;  // digest username; empty = identity without "sip:"
  SecretBytes password;
  net::SipEndpoint server;  // the MC service server (transport, address, port)
  std::string server_uri;   // REGISTER Request-URI; empty = "sip:" + identity's host
  uint32_t expires = 600;   // requested registration lifetime, seconds
  // Refresh period; 0 = half the lifetime the server granted. Also the period at which a
  // failed registration is retried (at least 1 s).
  std::chrono::milliseconds refresh{0};
  std::chrono::milliseconds retry{1000};  // retry delay after a failed REGISTER
  net::SipStackConfig stack;              // local address and ports, timers
  size_t dedup_window = 4096;             // message IDs remembered to drop redeliveries
};

// One received security message, decoded. `from` is the SIP From URI (the identity the server
// vouched for), `body` the decoded body.
struct ReceivedMessage {
  Carrier carrier = Carrier::kInterworkingData;
  std::string from;
  std::string request_uri;
  DecodedBody body;
};

// The handler's verdict: Ok -> 200; an error -> its SIP status (kMalformed 400,
// kUnauthorised 403, kNotFound 404, kUnsupported 415, otherwise 500) with its message.
using MessageHandler = std::function<Status(const ReceivedMessage&)>;

// The outcome of one sent MESSAGE: the final SIP status and reason (200/202 = accepted by the
// server), or an error (kExpired: no answer within Timer F; kIo: transport failure;
// kInvalidArgument: the message could not be built).
struct SendOutcome {
  int status = 0;
  std::string reason;
  bool accepted() const { return status >= 200 && status < 300; }
};
using SendCallback = std::function<void(Result<SendOutcome>)>;

// Thread-safe: every method may be called from any thread; callbacks and the handler run on the
// SIP stack's thread and must not block it. Destroying the endpoint stops refreshing (it does
// not unregister; call Unregister first for that) and fails pending sends with kIo.
class McEndpoint {
 public:
  // Starts the SIP stack (config.stack). Does not register yet. Errors: a port cannot be bound,
  // an identity that is not a SIP URI.
  static Result<std::unique_ptr<McEndpoint>> Start(McEndpointConfig config);
  ~McEndpoint();
  McEndpoint(const McEndpoint&) = delete;
  McEndpoint& operator=(const McEndpoint&) = delete;

  // The handler for received security messages; set it before Register. Messages whose body
  // does not parse are answered 400 and never reach the handler; a message ID seen in the last
  // dedup_window messages is answered 200 and not dispatched again.
  void SetMessageHandler(MessageHandler handler);

  // Registers and keeps the registration alive (refresh, retry after failures, again at once
  // when the server answers kNotRegisteredReason). `on_result` (optional) runs after each
  // REGISTER exchange with Ok or the reason it failed.
  void Register(std::function<void(Status)> on_result = {});
  // Blocks the calling thread (never the stack thread) until registered or `timeout` passes.
  Status WaitRegistered(std::chrono::milliseconds timeout);
  bool registered() const;
  // Removes our binding (REGISTER expires 0) and stops refreshing; `done` gets the outcome.
  void Unregister(std::function<void(Status)> done = {});

  // Sends `message` in the interworking-data carrier: Request-URI and To = target_uri (an MC
  // service ID toward a client, the LMR security FE URI toward the IWF/KMF), From = identity,
  // mcptt-calling-user-id = identity. A request or short message without a message ID gets a
  // random one (so relays can de-duplicate it).
  void Send(std::string target_uri, mc::InterworkingMessage message, SendCallback callback);
  // Sends an SDS-carrier message to message.addressing.request_uri (calling user = identity).
  void SendSds(SdsSecurityMessage message, SendCallback callback);
  // The 10.12 response to a received request in the carrier it came in: MC service ID and
  // LMR security FE URI copied from the request, message ID echoed, sent back to `from`.
  // Errors (in the callback): the message is not a request.
  void SendResponse(const ReceivedMessage& request, SendCallback callback);

  const std::string& identity() const;
  // The Contact URI we register, e.g. "sip:alice@127.0.0.1:40123;transport=tcp".
  std::string contact() const;
  net::SipStack& stack();

  struct State;

 private:
  explicit McEndpoint(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

// A fresh random keybridge message ID.
mc::MessageId NewMessageId();

}  // namespace kb::mc_endpoint
