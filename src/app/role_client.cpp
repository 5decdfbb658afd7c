// keybridge serve --role client: the LMR-aware MC client (TS 23.283 10.12.2, docs/client.md):
// registers with the MC service server, runs the P25 subscriber unit on the security messages
// it receives, runs the root key agent when a CMS is configured, and answers the local control
// socket (keys, hello, rekey-request, import-root-key).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <thread>

#include "app/client_node.h"
#include "app/control_server.h"
#include "app/node_status.h"
#include "app/role_config.h"
#include "app/roles.h"
#include "client/lmr_aware_client.h"
#include "client/root_key_agent.h"

namespace kb::app {
namespace {

// One control command; the answer is one JSON object.
nlohmann::json Execute(const std::string& line, client::ClientCore& core,
                       client::LmrAwareClient& lmr, client::RootKeyAgent* agent) {
  if (line == "keys") {
    nlohmann::json j = core.Report();
    j["ok"] = true;
    auto c = lmr.counters();
    j["counters"] = {{"received", c.received},           {"p25_processed", c.p25_processed},
                     {"p25_errors", c.p25_errors},       {"tetra_refused", c.tetra_refused},
                     {"wrong_target", c.wrong_target},   {"responses_sent", c.responses_sent},
                     {"answers_sent", c.answers_sent},   {"own_requests", c.own_requests},
                     {"acks_received", c.acks_received}, {"send_failures", c.send_failures}};
    if (agent) {
      auto a = agent->counters();
      j["root_key_agent"] = {{"logins", a.logins},
                             {"key_fetches", a.key_fetches},
                             {"subscribes", a.subscribes},
                             {"notifies", a.notifies},
                             {"profile_fetches", a.profile_fetches},
                             {"installed", a.installed},
                             {"unchanged", a.unchanged},
                             {"refused", a.refused},
                             {"errors", a.errors}};
    }
    return j;
  }
  if (line == "hello" || line == "rekey-request") {
    auto st = lmr.SendHello(line == "rekey-request", std::chrono::seconds(10));
    if (!st) return ControlRefusal(st.error());
    return {{"ok", true}, {"sent", line}};
  }
  if (line.starts_with("import-root-key "))
    return ControlImportRootKey(core, line.substr(16), "client " + core.mc_id());
  if (line == "fetch-profile" && agent) {
    agent->FetchNow();
    return {{"ok", true}};
  }
  return ControlRefusal(Error::InvalidArgument("unknown control command"));
}

Status Run(const RoleContext& ctx) {
  KB_TRY(ClientNodeConfig c, ReadClientNodeConfig(ctx));
  KB_TRY(auto core, OpenClientCore(ctx, c));
  KB_TRY(SecretBytes password, ReadPassword(c.password_file));
  spdlog::info("client {}: RSI 0x{:06X}, key store {} ({} keys)", c.user, core->rsi(),
               (ctx.data_dir / "su-state.sealed").string(),
               core->Report()["key_count"].get<size_t>());

  client::LmrAwareClientConfig lc;
  lc.endpoint.identity = c.user;
  lc.endpoint.password = password.Clone();
  lc.endpoint.server = c.mc_server;
  lc.endpoint.stack.bind_address = c.bind_address;
  lc.endpoint.stack.enable_udp = c.mc_server.transport == net::Transport::kUdp;
  lc.endpoint.stack.enable_tcp = c.mc_server.transport == net::Transport::kTcp;
  lc.lmr_security_fe_uri = c.lmr_security_fe;
  lc.sds = c.sds;
  KB_TRY(auto lmr, client::LmrAwareClient::Start(std::move(lc), *core));

  std::unique_ptr<client::RootKeyAgent> agent;
  if (!c.cms.empty()) {
    client::RootKeyAgentConfig ac;
    ac.user = c.user;
    ac.password = password.Clone();
    ac.idms_url = c.idms;
    ac.idms_tls.ca_file = c.idms_ca;
    ac.kms_url = c.kms;
    ac.kms_tls.ca_file = c.kms_ca;
    ac.cms_url = c.cms;
    ac.cms_tls.ca_file = c.cms_ca;
    ac.profile_index = c.profile_index;
    ac.cms_sip = c.cms_sip;
    ac.cms_uri = c.cms_uri;
    ac.subscribe_expires = c.subscribe_expires;
    ac.stack.bind_address = c.bind_address;
    ac.policy.authorised_iwfs = c.authorised_iwfs;
    ac.policy.max_skew_seconds = c.root_key_max_age;
    KB_TRY(agent, client::RootKeyAgent::Start(std::move(ac), *core));
    spdlog::info("client {}: root key agent: CMS {} (SIP {}), authorised IWFs: {}", c.user, c.cms,
                 c.cms_sip.ToString(), fmt::join(c.authorised_iwfs, ", "));
  }
  password.Clear();

  KB_TRY(auto control, ControlServer::Open(ControlSocketPath(ctx)));
  spdlog::info("client {}: listening on control socket {} (MC service server {})", c.user,
               ControlSocketPath(ctx).string(), c.mc_server.ToString());
  auto last_status = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  while (ctx.stop == nullptr || !ctx.stop->load()) {
    int conn = -1;
    auto line = control->Next(200, &conn);
    if (std::chrono::steady_clock::now() - last_status >= std::chrono::seconds(1)) {
      last_status = std::chrono::steady_clock::now();
      (void)WriteNodeStatus(ctx, nlohmann::json::object());
    }
    if (!line) continue;
    ControlServer::Answer(conn, Execute(*line, *core, *lmr, agent.get()));
  }
  spdlog::info("client {}: stopping", c.user);
  agent.reset();
  lmr->Unregister(std::chrono::seconds(2));
  lmr.reset();
  return Ok();
}

}  // namespace

int RunClientRole(const RoleContext& ctx) {
  if (auto st = Run(ctx); !st) {
    spdlog::error("client: {}", st.error().ToString());
    return 1;
  }
  return 0;
}

}  // namespace kb::app
