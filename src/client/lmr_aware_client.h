// TS 23.283 10.12.2 "LMR key management messages", client end: the LMR-aware MC service client.
// It registers its MC service ID with the MC service server (mc_endpoint::McEndpoint), takes
// non-3GPP security messages addressed to it in either carrier, hands P25 payloads to its
// subscriber unit (ClientCore), answers each request with the 10.12 response and sends the
// unit's answer KMM as a new request toward the URI of the LMR security functional entity that
// sent it; it sends its own requests (Hello, rekey request) on command. TETRA payloads are
// refused (logged, counted; SIP 200 without a 10.12 response). docs/client.md.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "client/client_core.h"
#include "core/error.h"
#include "mc_endpoint/mc_endpoint.h"

namespace kb::client {

struct LmrAwareClientConfig {
  mc_endpoint::McEndpointConfig endpoint;  // identity = our MC service ID
  // Where our own requests (Hello) go: the URI of the LMR security functional entity (the IWF,
  // or an MC-hosted KMF); by default the FE of the last request received.
  std::string lmr_security_fe_uri;
  // Send our own requests as MCData SDS (seed 002) instead of the interworking-data carrier.
  bool sds = false;
};

struct ClientCounters {
  uint64_t received = 0;        // requests addressed to us
  uint64_t p25_processed = 0;   // payloads the unit accepted (any status)
  uint64_t p25_errors = 0;      // payloads the unit could not take (undecodable, other RSI)
  uint64_t tetra_refused = 0;   // TETRA payloads (no TETRA engine)
  uint64_t wrong_target = 0;    // requests for another MC service ID
  uint64_t responses_sent = 0;  // 10.12 responses accepted by the server
  uint64_t answers_sent = 0;    // SU answer KMMs accepted by the server
  uint64_t own_requests = 0;    // Hello / rekey request accepted by the server
  uint64_t acks_received = 0;   // 10.12 responses to our requests
  uint64_t send_failures = 0;
};

class LmrAwareClient {
 public:
  // Starts the endpoint and registers (asynchronously; see WaitRegistered).
  static Result<std::unique_ptr<LmrAwareClient>> Start(LmrAwareClientConfig config,
                                                       ClientCore& core);
  ~LmrAwareClient();

  Status WaitRegistered(std::chrono::milliseconds timeout);
  // Sends a Hello (identification, or rekey request) toward the LMR security FE and waits for
  // the server's answer to the MESSAGE (not the KMF's reply).
  Status SendHello(bool rekey_request, std::chrono::milliseconds timeout);
  // Removes the registration (for a clean stop).
  void Unregister(std::chrono::milliseconds timeout);

  ClientCounters counters() const;
  mc_endpoint::McEndpoint& endpoint();

  struct State;

 private:
  explicit LmrAwareClient(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace kb::client
