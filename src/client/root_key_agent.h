// keybridge extension (NOT 3GPP; seed pCR for TS 23.283 "user root key distribution", issue 5
// section 3): the client's root key agent. It logs in at the IdMS (TS 33.180 Annex B), fetches
// its KMS keys (Annex D), subscribes to its user profile at the CMS with SIP SUBSCRIBE, event
// package xcap-diff (RFC 5875), and on every NOTIFY (and once at start) fetches the profile over
// HTTPS XCAP (RFC 4825, TS 24.484 document) and installs the LMR root key it holds
// (root_key_install.h) in the client's key store. docs/client.md "Root key agent".
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "client/client_core.h"
#include "client/root_key_install.h"
#include "core/secret.h"
#include "kms/kms_certificate.h"
#include "kms/kms_key_set.h"
#include "mikey/i_message_opener.h"
#include "net/http_client.h"
#include "net/sip_stack.h"

namespace kb::client {

struct RootKeyAgentConfig {
  std::string user;  // our MC ID, e.g. sip:alice@example.org (IdMS user name too)
  SecretBytes password;
  std::string idms_url;  // https://127.0.0.1:8443
  net::HttpsClientOptions idms_tls;
  std::string kms_url;  // https://127.0.0.1:8444
  net::HttpsClientOptions kms_tls;
  std::string cms_url;  // the XCAP root, https://127.0.0.1:8445
  net::HttpsClientOptions cms_tls;
  uint32_t profile_index = 1;
  net::SipEndpoint cms_sip;                     // where SUBSCRIBE goes (UDP 127.0.0.1:5080)
  std::string cms_uri = "sip:cms@example.org";  // SUBSCRIBE Request-URI and To
  uint32_t subscribe_expires = 600;             // refreshed at half the granted lifetime
  std::chrono::milliseconds retry{2000};        // after a failed login, fetch or SUBSCRIBE
  net::SipStackConfig stack;                    // our SIP address (ephemeral port by default)
  RootKeyPolicy policy;
};

// What the agent has done (for status and tests).
struct RootKeyAgentCounters {
  uint64_t logins = 0, key_fetches = 0, subscribes = 0, subscribe_failures = 0, notifies = 0,
           profile_fetches = 0, installed = 0, unchanged = 0, refused = 0, errors = 0;
};

// The MIKEY-SAKKE receiver identity built from the KMS's answer (TS 33.180 5.3): the KMS's
// public keys and one SAKKE receiver per key period provisioned.
class ProvisionedIdentity {
 public:
  // Checks happen in kms_client::FetchKeys; this builds the receivers (validating each RSK).
  static Result<std::unique_ptr<ProvisionedIdentity>> Build(
      const std::string& user, const kms::KmsCertificate& cert,
      const std::vector<kms::KmsKeySet>& sets);
  const mikey::ReceiverIdentity& me() const { return me_; }
  bool HasPeriod(uint64_t period) const;

 private:
  ProvisionedIdentity() = default;
  mikey::KmsPublicKeys kms_;
  std::unique_ptr<crypto::sakke::Community> community_;
  std::vector<std::unique_ptr<crypto::sakke::Receiver>> receivers_;
  mikey::ReceiverIdentity me_;
};

// The RFC 5875 SUBSCRIBE body: an application/resource-lists+xml document (RFC 4826) naming
// the user's profile document relative to the XCAP root.
std::string XcapDiffSubscriptionBody(std::string_view document_selector);

// Runs on its own thread and SIP stack; stops (and joins) on destruction.
class RootKeyAgent {
 public:
  static Result<std::unique_ptr<RootKeyAgent>> Start(RootKeyAgentConfig config, ClientCore& core);
  ~RootKeyAgent();
  RootKeyAgent(const RootKeyAgent&) = delete;
  RootKeyAgent& operator=(const RootKeyAgent&) = delete;

  // Asks for a profile fetch now (as a NOTIFY does).
  void FetchNow();
  RootKeyAgentCounters counters() const;
  uint16_t sip_port() const;

  struct State;

 private:
  explicit RootKeyAgent(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace kb::client
