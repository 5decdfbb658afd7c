// RFC 3261 clause 10.3 registrar bindings of the TS 23.283 10.12 MC service server made durable
// (docs/mc-server.md "Registrations across a restart"): after a crash and restart, messages to a
// client registered before it are delivered without waiting for its next REGISTER, until the
// binding expires. Implementations: MemoryRegistrationStore (tests) and
// store::McRegistrationStore (SQLite or PostgreSQL).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "net/sip_stack.h"

namespace kb::mc_server {

// One registered contact of an MC service ID.
struct StoredBinding {
  std::string aor;      // canonical AOR, the MC service ID ("sip:alice@example.org")
  std::string contact;  // the Contact URI (where messages are delivered)
  std::string call_id;  // of the REGISTER that made it (CSeq ordering after a restart)
  uint32_t cseq = 0;
  net::SipEndpoint flow;   // transport and source address of that REGISTER (the sender check)
  int64_t expires_at = 0;  // Unix seconds
  bool operator==(const StoredBinding&) const = default;
};

// Called from the SIP stack thread (Replace) and at start (Load); implementations serialise.
class RegistrationStore {
 public:
  virtual ~RegistrationStore() = default;
  // Makes `bindings` the whole set of aor's bindings (empty: the AOR is unregistered), durable
  // when it returns.
  virtual Status Replace(std::string_view aor, std::span<const StoredBinding> bindings) = 0;
  // Every binding that expires after `now` (Unix seconds), ordered by AOR then contact; the
  // expired ones are deleted.
  virtual Result<std::vector<StoredBinding>> Load(int64_t now) = 0;
};

class MemoryRegistrationStore final : public RegistrationStore {
 public:
  Status Replace(std::string_view aor, std::span<const StoredBinding> bindings) override;
  Result<std::vector<StoredBinding>> Load(int64_t now) override;

 private:
  std::mutex mu_;
  std::map<std::string, std::vector<StoredBinding>, std::less<>> by_aor_;
};

}  // namespace kb::mc_server
