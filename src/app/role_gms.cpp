// keybridge serve --role gms: the group management server (TS 33.180 5.7 / 7.3, docs/gms.md):
// creates the configured groups when missing, and sends every recipient its GMK I_MESSAGE in a
// SIP MESSAGE through the MC service server (keybridge body, docs/gms.md "Delivery"), again after
// each rekey done with `keybridge gms ...` on the same store.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "app/client_node.h"
#include "app/gms_identity.h"
#include "app/identity_key_files.h"
#include "app/node_status.h"
#include "app/role_config.h"
#include "app/roles.h"
#include "gms/gmk_delivery_body.h"
#include "mc_endpoint/mc_endpoint.h"
#include "net/register_client.h"
#include "net/sip_stack.h"
#include "store/sqlite_gms_store.h"

namespace kb::app {
namespace {

using namespace std::chrono_literals;

Result<net::SipEndpoint> Endpoint(const std::string& text, net::Transport t) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos) {
    return Fail(Error::InvalidArgument("'" + text + "' is not address:port"));
  }
  unsigned long port = std::strtoul(text.c_str() + colon + 1, nullptr, 10);
  if (port == 0 || port > 65535) return Fail(Error::InvalidArgument("bad port in '" + text + "'"));
  return net::SipEndpoint{t, text.substr(0, colon), static_cast<uint16_t>(port)};
}

// Which deliveries reached their recipient (group|recipient|revision), and when each was last
// tried.
struct DeliveryState {
  std::mutex mu;
  bool need_register = true;  // at start, and after a 403 "sender not registered"
  std::set<std::string> delivered;
  std::map<std::string, std::chrono::steady_clock::time_point> tried;
  uint64_t sent = 0, failed = 0;  // MESSAGEs sent, and answered with an error or not at all
};

// With `kms:` configured, the GMS is provisioned like any MC identity (TS 33.180 5.3): it logs
// in at the IdMS, fetches the KMS certificate and its key sets for the current period over HTTPS
// and writes them to kms_cert / keys before loading them (keys mode 0600).
Status FetchIdentityKeys(const RoleContext& ctx, const std::string& uri,
                         const std::filesystem::path& cert_path,
                         const std::filesystem::path& keys_path) {
  KB_TRY(std::string kms_url, Get<std::string>(ctx.config, "kms", ""));
  if (kms_url.empty()) return Ok();
  KB_TRY(std::string idms_url, Get<std::string>(ctx.config, "idms", "https://127.0.0.1:8443"));
  KB_TRY(std::string password_file, Get<std::string>(ctx.config, "password_file", ""));
  KB_TRY(std::string idms_ca, Get<std::string>(ctx.config, "idms_ca", "idms/tls-cert.pem"));
  KB_TRY(std::string kms_ca, Get<std::string>(ctx.config, "kms_ca", "kms/tls-cert.pem"));
  if (password_file.empty()) {
    return Fail(Error::InvalidArgument("password_file is required with kms: (the IdMS login)"));
  }
  KB_TRY(SecretBytes password, ReadPassword(ConfigPath(ctx, password_file)));
  IdentityKeyFetch f;
  f.idms_url = idms_url;
  f.kms_url = kms_url;
  f.user = uri;
  f.idms_tls.ca_file = ConfigPath(ctx, idms_ca).string();
  f.kms_tls.ca_file = ConfigPath(ctx, kms_ca).string();
  f.cert_out = cert_path;
  f.keys_out = keys_path;
  KB_TRY(size_t n, FetchIdentityKeyFiles(f, password));
  spdlog::info("gms: {} key set(s) for {} fetched from the KMS", n, uri);
  return Ok();
}

Status Run(const RoleContext& ctx, int& code) {
  KB_TRY(std::string kms_cert, Get<std::string>(ctx.config, "kms_cert", ""));
  KB_TRY(std::string keys, Get<std::string>(ctx.config, "keys", ""));
  KB_TRY(std::string from, Get<std::string>(ctx.config, "uri", ""));
  KB_CHECK(FetchIdentityKeys(ctx, from, ConfigPath(ctx, kms_cert), ConfigPath(ctx, keys)));
  KB_TRY(auto identity, LoadGmsIdentity(ConfigPath(ctx, kms_cert).string(),
                                        ConfigPath(ctx, keys).string(), from, NtpTime::Now()));
  gms::GmsConfig config;
  identity->Configure(config);
  KB_TRY(config.iwf_uri, Get<std::string>(ctx.config, "iwf_uri", ""));
  KB_TRY(std::string store_file, Get<std::string>(ctx.config, "store", ""));
  // `store: FILE` (an SQLite file) is the older form; otherwise the node's storage (SQLite:
  // data_dir/gms.sqlite, or PostgreSQL).
  std::unique_ptr<store::SqliteGmsStore> store;
  if (!store_file.empty()) {
    KB_TRY(store, store::SqliteGmsStore::Open(ConfigPath(ctx, store_file).string()));
  } else {
    KB_TRY(auto storage, NodeStorage(ctx));
    KB_TRY(store, store::SqliteGmsStore::Open(storage));
  }
  gms::GroupManagementServer engine(*store, config);

  for (const auto& g : ctx.config["groups"]) {
    KB_TRY(std::string id, Get<std::string>(g, "id", ""));
    KB_TRY(auto members, Get<std::vector<std::string>>(g, "members", {}));
    KB_TRY(bool interworking, Get<bool>(g, "interworking", false));
    KB_TRY(bool terminates, Get<bool>(g, "iwf_terminates", false));
    KB_TRY(auto existing, store->FindGroup(id));
    if (existing) continue;
    KB_TRY(auto made, engine.CreateGroup(id, members, interworking, terminates, NtpTime::Now()));
    spdlog::info("gms: group {} created, GMK-ID {:08x}, {} recipients", id, made.group.gmk_id,
                 made.deliveries.size());
  }

  KB_TRY(std::string transport_name, Get<std::string>(ctx.config, "transport", "udp"));
  net::Transport transport = transport_name == "tcp" ? net::Transport::kTcp : net::Transport::kUdp;
  KB_TRY(std::string mc_server_text, Get<std::string>(ctx.config, "mc_server", "127.0.0.1:5060"));
  KB_TRY(auto mc_server, Endpoint(mc_server_text, transport));
  KB_TRY(std::string listen, Get<std::string>(ctx.config, "listen", "127.0.0.1:5100"));
  KB_TRY(auto local, Endpoint(listen, transport));
  net::SipStackConfig sip;
  sip.bind_address = local.host;
  sip.udp_port = local.port;
  sip.tcp_port = local.port;
  sip.user = "gms";
  KB_TRY(sip.domain, Get<std::string>(ctx.config, "domain", "example.org"));
  KB_TRY(auto stack, net::SipStack::Start(sip));
  spdlog::info("gms: {} sending GMKs through {}", identity->uri, mc_server.ToString());

  // The MC service server relays only from a sender registered on the flow the MESSAGE comes
  // on (docs/mc-server.md "GMS"): with a password_file the GMS registers as its identity from
  // this stack, again every 30 minutes and after a 403 "sender not registered".
  KB_TRY(std::string password_file, Get<std::string>(ctx.config, "password_file", ""));
  std::string password;
  if (!password_file.empty()) {
    std::ifstream f(ConfigPath(ctx, password_file));
    if (!f) return Fail(Error::Io("cannot read " + ConfigPath(ctx, password_file).string()));
    std::getline(f, password);
    while (!password.empty() && (password.back() == '\r' || password.back() == ' ')) {
      password.pop_back();
    }
  }
  auto state = std::make_shared<DeliveryState>();
  auto last_register = std::chrono::steady_clock::time_point{};
  while (ctx.stop == nullptr || !ctx.stop->load()) {
    if (!password.empty()) {
      bool again;
      {
        std::lock_guard lock(state->mu);
        again = state->need_register ||
                std::chrono::steady_clock::now() - last_register > std::chrono::minutes(30);
        state->need_register = false;
      }
      if (again) {
        last_register = std::chrono::steady_clock::now();
        net::RegistrationRequest r;
        r.aor = identity->uri;
        auto at = stack->LocalEndpoint(transport);
        r.contact = fmt::format("sip:gms@{}:{}{}", at.host, at.port,
                                transport == net::Transport::kTcp ? ";transport=tcp" : "");
        r.password = SecretBytes(AsBytes(password));
        r.registrar = mc_server;
        net::Register(*stack, std::move(r), [state, who = identity->uri](auto res) {
          if (res && res->StatusCode() == 200) {
            spdlog::info("gms: {} registered with the MC service server", who);
            return;
          }
          spdlog::warn("gms: registration of {} failed: {}", who,
                       res ? fmt::format("{} {}", res->StatusCode(), res->ReasonPhrase())
                           : res.error().message());
        });
      }
    }
    KB_TRY(auto groups, store->ListGroups());
    auto now = std::chrono::steady_clock::now();
    uint64_t stored_deliveries = 0;
    for (const auto& gid : groups) {
      KB_TRY(auto deliveries, store->ListDeliveries(gid));
      stored_deliveries += deliveries.size();
      for (const auto& d : deliveries) {
        std::string key = fmt::format("{}|{}|{}", d.group_id, d.recipient, d.revision);
        {
          std::lock_guard lock(state->mu);
          if (state->delivered.count(key)) continue;
          auto it = state->tried.find(key);
          if (it != state->tried.end() && now - it->second < 10s) continue;
          state->tried[key] = now;
          ++state->sent;
        }
        auto msg = stack->NewRequest("MESSAGE", d.recipient, d.recipient, identity->uri);
        if (!msg) {
          spdlog::warn("gms: {}: {}", d.recipient, msg.error().message());
          continue;
        }
        (void)msg->SetBody(gms::kGmkDeliveryContentType, ToBytes(gms::EncodeGmkDelivery(d)));
        spdlog::info("gms: {} -> {}: GMK-ID {:08x} GUK-ID {:08x} revision {}", identity->uri,
                     d.recipient, d.gmk_id, d.guk_id, d.revision);
        stack->SendRequest(
            std::move(*msg), mc_server, [state, key, who = d.recipient](Result<net::SipMessage> r) {
              if (r && r->StatusCode() >= 200 && r->StatusCode() < 300) {
                std::lock_guard lock(state->mu);
                state->delivered.insert(key);
                return;
              }
              {
                std::lock_guard lock(state->mu);
                ++state->failed;
                if (r && r->StatusCode() == 403 &&
                    r->ReasonPhrase().starts_with(mc_endpoint::kNotRegisteredReason)) {
                  state->need_register = true;
                }
              }
              spdlog::warn("gms: GMK to {} not delivered: {}", who,
                           r ? fmt::format("{} {}", r->StatusCode(), r->ReasonPhrase())
                             : r.error().message());
            });
      }
    }
    {
      std::lock_guard lock(state->mu);
      (void)WriteNodeStatus(ctx, {{"groups", groups.size()},
                                  {"deliveries", stored_deliveries},
                                  {"deliveries_acked", state->delivered.size()},
                                  {"messages_sent", state->sent},
                                  {"messages_failed", state->failed}});
    }
    for (int i = 0; i < 10 && (ctx.stop == nullptr || !ctx.stop->load()); ++i) {
      std::this_thread::sleep_for(100ms);
    }
  }
  spdlog::info("gms: stopping");
  code = 0;
  return Ok();
}

}  // namespace

int RunGmsRole(const RoleContext& ctx) {
  int code = 0;
  if (auto st = Run(ctx, code); !st) {
    spdlog::error("gms: {}", st.error().ToString());
    return 1;
  }
  return code;
}

}  // namespace kb::app
