// RFC 3261 (call setup of TS 24.379 style calls): where a call client's INVITE goes. `calls.via:
// direct` (default): a private SIP stack, INVITE straight to the IWF's SIP address (calls.iwf);
// `calls.via: mc-server`: the node registers with the MC service server (its identity /
// password_file / mc_server / sip_transport, on ephemeral ports of sip_listen's address, as a
// second contact next to a running client role) and sends the INVITE there, from
// the registered flow, so the server can vouch for the From (docs/calls.md "Calls through the
// MC service server").
#pragma once

#include <memory>
#include <string>

#include "app/roles.h"
#include "core/error.h"
#include "mc_endpoint/mc_endpoint.h"
#include "net/sip_stack.h"

namespace kb::app {

struct CallSignalling {
  std::unique_ptr<mc_endpoint::McEndpoint> endpoint;  // via mc-server
  std::unique_ptr<net::SipStack> own;                 // direct
  net::SipEndpoint next_hop;                          // where INVITEs go
  bool via_server = false;
  net::SipStack& stack() { return endpoint ? endpoint->stack() : *own; }
  std::string Describe() const;  // "mc-server UDP 127.0.0.1:5060" / "IWF UDP ..."
  // Via mc-server: removes our binding (waits up to 2 s), so the server does not route later
  // calls to a contact that is gone. Also done by the destructor.
  void Unregister();
  ~CallSignalling();
  CallSignalling() = default;
  CallSignalling(CallSignalling&&) = default;
  CallSignalling& operator=(CallSignalling&&) = default;
};

// Reads calls.via (direct | mc-server). Direct: a stack on media_address, next hop `direct_to`
// (the IWF). mc-server: registers as `user` (identity defaults to it) and waits up to 10 s.
// `need_server` forces the mc-server path (a callee must be registered to be reached).
Result<CallSignalling> OpenCallSignalling(const RoleContext& ctx, const YAML::Node& calls,
                                          const std::string& user, const std::string& media_address,
                                          const std::pair<std::string, uint16_t>& direct_to,
                                          bool need_server = false);

}  // namespace kb::app
