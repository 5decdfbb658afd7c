// TS 23.283 10.12 LMR security transport, the IWF's MC face (docs/iwf.md): the IwfRelay's
// requests go out through the shared SIP endpoint (mc_endpoint, registered as the IWF's own
// identity), and requests from LMR-aware MC service clients come in through it, are checked,
// handed to the relay and acknowledged with the 10.12 response in the carrier they came in.
#pragma once

#include <atomic>
#include <string>

#include "iwf/iwf_relay.h"
#include "mc_endpoint/mc_endpoint.h"

namespace kb::iwf {

// The outcome of a sent MESSAGE as the relay sees it: 2xx accepted; no answer, transport
// errors, 408, 5xx, 6xx and "sender not registered" retried; other 4xx refused.
McSendOutcome ClassifySendOutcome(const Result<mc_endpoint::SendOutcome>& r);

// The request a received message carries, checked against the sender the MC service server
// vouched for (From = MC service ID); the seed's IWF short message is read as a request toward
// own_uri. Errors: a response (nothing to relay), a sender that is not the MC service ID
// (kUnauthorised).
Result<mc::SecurityMessageRequest> RequestFromReceived(const mc_endpoint::ReceivedMessage& m,
                                                       const std::string& own_uri);

class IwfMcFace final : public McFace {
 public:
  explicit IwfMcFace(mc_endpoint::McEndpoint& endpoint) : endpoint_(endpoint) {}

  // Attaches the relay and installs the endpoint's message handler. Call once, before Register.
  void Attach(IwfRelay& relay);

  void Send(mc::SecurityMessageRequest request, McSendDone done) override;

  uint64_t responses_received() const { return responses_.load(); }
  uint64_t refused() const { return refused_.load(); }

 private:
  Status OnMessage(const mc_endpoint::ReceivedMessage& m);

  mc_endpoint::McEndpoint& endpoint_;
  IwfRelay* relay_ = nullptr;
  std::atomic<uint64_t> responses_{0};
  std::atomic<uint64_t> refused_{0};
};

}  // namespace kb::iwf
