// keybridge serve: the table of roles and the stop signals.
#include "app/roles.h"

#include <csignal>

namespace kb::app {
namespace {

std::atomic<bool>* g_stop = nullptr;

extern "C" void OnStopSignal(int) {
  if (g_stop != nullptr) g_stop->store(true);
}

}  // namespace

// Roles register here: {name, description, run}. Kept in one table so that `keybridge serve
// --help` lists them all.
const std::vector<Role>& Roles() {
  static const std::vector<Role> roles = {
      {"idms", "identity management server: logins and ES256 access tokens (HTTPS)", RunIdmsRole},
      {"kms", "key management server, TS 33.180 Annex D (HTTPS)", RunKmsRole},
      {"mc-server", "MC service server: SIP registrar and relay of LMR security messages",
       RunMcServerRole},
      {"iwf", "interworking function: LMR security transport, KMF (UDP DLI) <-> MC (SIP)",
       RunIwfRole},
      {"kmf", "P25 KMF on UDP DLI behind the IWF, or MC-hosted over SIP (interworking-data/SDS)",
       RunKmfRole},
      {"client", "LMR-aware MC client: P25 subscriber unit behind SIP, root key agent",
       RunClientRole},
      {"cms", "configuration management server: XCAP user profiles (HTTPS), xcap-diff (SIP)",
       RunCmsRole},
      {"gms", "group management server: GMK distribution, TS 33.180 5.7 (SIP)", RunGmsRole},
      {"radio", "emulated P25 radio: subscriber unit reached by the KMF over UDP (DLI preamble)",
       RunRadioRole},
  };
  return roles;
}

void InstallStopSignals(std::atomic<bool>* flag) {
  g_stop = flag;
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

}  // namespace kb::app
