// RFC 3261: a call client's signalling path, direct to the IWF or through the MC service server.
#include "app/call_signalling.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <future>

#include "app/mc_endpoint_config.h"
#include "app/role_config.h"

namespace kb::app {

std::string CallSignalling::Describe() const {
  return fmt::format("{} {}", via_server ? "mc-server" : "IWF", next_hop.ToString());
}

void CallSignalling::Unregister() {
  if (!endpoint || !via_server) return;
  via_server = false;
  auto done = std::make_shared<std::promise<void>>();
  auto f = done->get_future();
  endpoint->Unregister([done](Status) { done->set_value(); });
  (void)f.wait_for(std::chrono::seconds(2));
}

CallSignalling::~CallSignalling() { Unregister(); }

Result<CallSignalling> OpenCallSignalling(const RoleContext& ctx, const YAML::Node& calls,
                                          const std::string& user, const std::string& media_address,
                                          const std::pair<std::string, uint16_t>& direct_to,
                                          bool need_server) {
  KB_TRY(std::string via, Get<std::string>(calls, "via", "direct"));
  if (via != "direct" && via != "mc-server") {
    return Fail(
        Error::InvalidArgument(fmt::format("calls.via: '{}' is not direct or mc-server", via)));
  }
  CallSignalling s;
  if (via == "direct" && !need_server) {
    net::SipStackConfig sc;
    sc.bind_address = media_address;
    KB_TRY(s.own, net::SipStack::Start(sc));
    s.next_hop = {net::Transport::kUdp, direct_to.first, direct_to.second};
    return s;
  }
  KB_TRY(auto ep, ReadMcEndpointConfig(ctx, user, 0));
  // Our own ephemeral ports: the node's sip_listen may be in use by its running client role.
  ep.stack.udp_port = 0;
  ep.stack.tcp_port = 0;
  s.next_hop = ep.server;
  KB_TRY(s.endpoint, mc_endpoint::McEndpoint::Start(std::move(ep)));
  s.endpoint->Register();
  if (auto st = s.endpoint->WaitRegistered(std::chrono::seconds(10)); !st) {
    return Fail(st.error().Within("registering with the MC service server"));
  }
  s.via_server = true;
  spdlog::info("call: {} registered with the MC service server {} as {}", user,
               s.next_hop.ToString(), s.endpoint->contact());
  return s;
}

}  // namespace kb::app
