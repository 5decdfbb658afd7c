// TS 23.283 clause 10.12 MC service server for LMR security transport: registrar (RFC 3261
// 10.3 with Digest), router (router.h), durable store-and-forward (message_store.h) and
// counters, on one net::SipStack (docs/mc-server.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mc_server/invite_proxy.h"
#include "mc_server/message_store.h"
#include "mc_server/registration_store.h"
#include "mc_server/router.h"
#include "net/registrar.h"
#include "net/sip_stack.h"

namespace kb::mc_server {

struct McServerConfig {
  net::RegistrarConfig registrar;
  std::vector<LmrSecurityEntity> entities;  // lmr_security_entities
  size_t max_payload = 65535;               // larger payloads: 413
  // Messages in flight per target (order is kept by the connection over TCP; UDP keeps strict
  // order with one at a time).
  size_t window_tcp = 64;
  size_t window_udp = 1;
  std::chrono::milliseconds redelivery{1000};  // retry after every contact failed
  size_t dedup_keep = 100000;                  // delivered message IDs kept for de-duplication
  size_t max_batch = 512;                      // messages per store transaction
  // Calls through the server (invite_proxy.h): MC groups whose INVITEs go to an IWF.
  std::vector<InterworkedGroup> interworked_groups;
};

// The server. Start() installs the stack's request handler and a worker thread that commits
// accepted messages (group commit: a 202 is sent only after its message is durable) and
// records deliveries. Thread-safe accessors; destroy before the stack and the store.
class McServer {
 public:
  // known_user: whether an AOR is a configured MC service user; lookup: digest credentials.
  McServer(McServerConfig config, net::CredentialLookup lookup,
           std::function<bool(std::string_view aor)> known_user, MessageStore& store,
           net::SipStack& stack);
  ~McServer();
  McServer(const McServer&) = delete;
  McServer& operator=(const McServer&) = delete;

  // Keeps the registrations in `registrations` (call before Start; it must outlive the server):
  // Start loads the unexpired bindings, and a REGISTER is answered 200 only after its AOR's
  // bindings are stored. Without it registrations live in memory only.
  void SetRegistrationStore(RegistrationStore* registrations);

  // Loads the undelivered messages (and the registrations) from the stores and starts serving.
  Status Start();
  void Stop();

  // The counters (accepted, delivered, duplicates, refused_* ...) and gauges (pending,
  // registered_contacts).
  std::map<std::string, uint64_t> Counters() const;
  // CPU time used so far by the SIP stack thread and the worker thread.
  std::chrono::nanoseconds CpuTime() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace kb::mc_server
