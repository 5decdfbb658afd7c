// TS 23.283 10.4.1.2 and TS 33.180 7.2 / E.3 (seed requirement a): a private call from an LMR
// user to an MC user, set up by the IWF. The emulated radio asks on the IWF's LMR control port
// (a keybridge datagram, docs/calls.md "Private call LMR radio -> MC user"); the IWF generates
// the PCK, signs its I_MESSAGE with its own ECCSI key (the IWF is provisioned by the KMS like a
// user), INVITEs the MC user through the MC service server with a=key-mgmt:mikey, and relays
// the radio's LMR-encrypted LDUs into SRTP keyed from the PCK (CS-ID 0, MKI = PCK-ID).
#pragma once

#include <yaml-cpp/yaml.h>

#include <memory>
#include <string>

#include "app/roles.h"
#include "core/error.h"
#include "net/sip_stack.h"

namespace kb::app {

// The LMR control datagram (UTF-8 text, one "key: value" per line, LF), keybridge's own:
//   radio -> IWF  "keybridge-lmr-private-call 1\ncall: <id>\nto: <MC ID>\nalgid: 0x84\n"
//                 optional "sign-as: <URI>" (test only: one of calls.private_calls.test_signers)
//   radio -> IWF  "keybridge-lmr-private-call 1\ncall: <id>\nend\n"           (hang up)
//   IWF -> radio  "keybridge-lmr-private-call 1\ncall: <id>\nstatus: <SIP status> <reason>\n"
//                 plus "lmr: <address>:<port>" (where to send the LDUs) with status 200.
inline constexpr std::string_view kPrivateCallMagic = "keybridge-lmr-private-call 1";

class IwfPrivateCalls {
 public:
  // Reads calls.private_calls (control_listen, test_signers) and calls.kms_cert / keys, loads
  // the IWF's signing identity, binds the control port. INVITEs go from `stack` (registered with
  // the MC service server as iwf_uri) to `server`.
  static Result<std::unique_ptr<IwfPrivateCalls>> Start(const RoleContext& ctx,
                                                        const YAML::Node& calls,
                                                        const std::string& iwf_uri,
                                                        net::SipStack& stack,
                                                        net::SipEndpoint server);
  ~IwfPrivateCalls();
  IwfPrivateCalls(const IwfPrivateCalls&) = delete;
  IwfPrivateCalls& operator=(const IwfPrivateCalls&) = delete;
  uint16_t control_port() const;

  struct Impl;

 private:
  explicit IwfPrivateCalls(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;  // shared with pending SIP callbacks (weak)
};

}  // namespace kb::app
