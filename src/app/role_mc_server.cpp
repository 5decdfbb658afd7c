// keybridge serve --role mc-server: the MC service server of TS 23.283 clause 10.12 LMR
// security transport: SIP registrar, relay and durable store-and-forward (docs/mc-server.md).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/node_status.h"
#include "app/role_config.h"
#include "app/roles.h"
#include "mc_server/mc_server.h"
#include "net/registrar.h"
#include "store/mc_registration_store.h"
#include "store/sqlite_message_store.h"

namespace kb::app {
namespace {

Result<std::string> ReadFirstLine(const std::filesystem::path& path) {
  std::ifstream f(path);
  if (!f) return Fail(Error::Io(fmt::format("cannot read {}", path.string())));
  std::string line;
  std::getline(f, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

// "address:port" -> (address, port).
Result<std::pair<std::string, uint16_t>> ParseListen(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos)
    return Fail(Error::InvalidArgument("listen: expected address:port"));
  std::string address = listen.substr(0, colon);
  std::string_view port = std::string_view(listen).substr(colon + 1);
  unsigned p = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || end != port.data() + port.size() || p > 65535) {
    return Fail(Error::InvalidArgument(fmt::format("listen: bad port '{}'", port)));
  }
  return std::make_pair(address, static_cast<uint16_t>(p));
}

// username (the AOR without "sip:") -> password.
using Credentials = std::map<std::string, std::string>;

Status AddAccount(const RoleContext& ctx, const YAML::Node& n, Credentials& creds) {
  KB_TRY(std::string uri, Get<std::string>(n, "uri", ""));
  KB_TRY(std::string password, Get<std::string>(n, "password", ""));
  KB_TRY(std::string password_file, Get<std::string>(n, "password_file", ""));
  if (!password_file.empty()) {
    KB_TRY(password, ReadFirstLine(ConfigPath(ctx, password_file)));
  }
  std::string aor = net::Registrar::CanonicalAor(uri);
  if (aor.empty() || !aor.starts_with("sip:") || aor.find('@') == std::string::npos) {
    return Fail(Error::InvalidArgument(fmt::format("'{}' is not a sip:user@host URI", uri)));
  }
  if (password.empty()) {
    return Fail(Error::InvalidArgument(fmt::format("{}: password or password_file needed", uri)));
  }
  creds[aor.substr(4)] = password;
  return Ok();
}

std::string CounterLine(const std::map<std::string, uint64_t>& c) {
  nlohmann::json j = c;
  return j.dump();
}

Status Run(const RoleContext& ctx) {
  KB_TRY(std::string listen, Get<std::string>(ctx.config, "listen", "127.0.0.1:5060"));
  KB_TRY(auto addr, ParseListen(listen));
  net::SipStackConfig sc;
  sc.bind_address = addr.first;
  sc.udp_port = addr.second;
  sc.tcp_port = addr.second;
  KB_TRY(sc.domain, Get<std::string>(ctx.config, "domain", "example.org"));
  sc.user = "mc-server";
  KB_TRY(int64_t t1, Get<int64_t>(ctx.config, "t1_ms", 500));
  sc.t1 = std::chrono::milliseconds(t1);
  sc.t2 = std::max(sc.t2, sc.t1);

  mc_server::McServerConfig mc;
  KB_TRY(mc.max_payload, Get<size_t>(ctx.config, "max_payload", 65535));
  if (mc.max_payload == 0 || mc.max_payload > 65535) {
    return Fail(Error::InvalidArgument("max_payload: 1..65535 (the container's IE length)"));
  }
  // Room for the SIP headers, the info XML and the container around the largest payload; a
  // larger message is refused by the transport (400) before it is read.
  sc.max_message_size = mc.max_payload + 16384;
  KB_TRY(mc.registrar.realm, Get<std::string>(ctx.config, "realm", sc.domain));
  KB_TRY(mc.registrar.min_expires, Get<uint32_t>(ctx.config, "min_expires", 60));
  KB_TRY(mc.registrar.max_expires, Get<uint32_t>(ctx.config, "max_expires", 86400));
  KB_TRY(mc.window_tcp, Get<size_t>(ctx.config, "window_tcp", 64));
  KB_TRY(mc.window_udp, Get<size_t>(ctx.config, "window_udp", 1));
  KB_TRY(int64_t redelivery, Get<int64_t>(ctx.config, "redelivery_ms", 1000));
  mc.redelivery = std::chrono::milliseconds(redelivery);

  auto creds = std::make_shared<Credentials>();
  for (const auto& u : ctx.config["users"]) KB_CHECK(AddAccount(ctx, u, *creds));
  for (const auto& e : ctx.config["lmr_security_entities"]) {
    mc_server::LmrSecurityEntity ent;
    KB_TRY(ent.uri, Get<std::string>(e, "uri", ""));
    KB_TRY(std::string kind, Get<std::string>(e, "kind", "iwf"));
    KB_TRY(ent.kind, mc_server::ParseEntityKind(kind));
    if (e["password"] || e["password_file"]) KB_CHECK(AddAccount(ctx, e, *creds));
    mc.entities.push_back(std::move(ent));
  }
  // Calls through the server (docs/mc-server.md): interworked MC groups and their IWF.
  for (const auto& g : ctx.config["interworked_groups"]) {
    mc_server::InterworkedGroup ig;
    KB_TRY(ig.group, Get<std::string>(g, "group", ""));
    KB_TRY(ig.iwf, Get<std::string>(g, "iwf", ""));
    auto iwf = net::Registrar::CanonicalAor(ig.iwf);
    bool is_iwf = std::any_of(mc.entities.begin(), mc.entities.end(), [&](const auto& e) {
      return e.kind == mc_server::EntityKind::kIwf && net::Registrar::CanonicalAor(e.uri) == iwf;
    });
    if (ig.group.empty() || !is_iwf) {
      return Fail(Error::InvalidArgument(fmt::format(
          "interworked_groups: '{}' needs group and an iwf listed in lmr_security_entities "
          "(kind iwf), got '{}'",
          ig.group, ig.iwf)));
    }
    mc.interworked_groups.push_back(std::move(ig));
  }
  net::CredentialLookup lookup = [creds](std::string_view user) -> std::optional<SecretBytes> {
    auto it = creds->find(std::string(user));
    if (it == creds->end()) return std::nullopt;
    return SecretBytes(AsBytes(it->second));
  };
  auto known = [creds](std::string_view aor) {
    return aor.starts_with("sip:") && creds->contains(std::string(aor.substr(4)));
  };

  KB_TRY(auto storage, NodeStorage(ctx));  // SQLite: data_dir/mc-messages.sqlite
  KB_TRY(auto store, store::SqliteMessageStore::Open(storage));
  // SQLite: data_dir/mc-registrations.sqlite
  KB_TRY(auto registrations, store::McRegistrationStore::Open(storage));
  KB_TRY(auto stack, net::SipStack::Start(sc));
  mc_server::McServer server(mc, lookup, known, *store, *stack);
  server.SetRegistrationStore(registrations.get());
  KB_CHECK(server.Start());
  spdlog::info(
      "mc-server: listening on SIP UDP {}:{} and TCP {}:{}, {} users, {} LMR security "
      "entities, max payload {} octets",
      sc.bind_address, stack->udp_port(), sc.bind_address, stack->tcp_port(), creds->size(),
      mc.entities.size(), mc.max_payload);
  std::map<std::string, uint64_t> last;
  auto last_log = std::chrono::steady_clock::now();
  auto last_status = last_log - std::chrono::seconds(1);
  while (!ctx.stop->load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto now = std::chrono::steady_clock::now();
    if (now - last_log >= std::chrono::seconds(5)) {
      last_log = now;
      auto c = server.Counters();
      if (c != last) spdlog::info("mc-server: counters {}", CounterLine(c));
      last = std::move(c);
    }
    if (now - last_status >= std::chrono::seconds(1)) {
      last_status = now;
      nlohmann::json counters = nlohmann::json::object();
      for (const auto& [k, v] : server.Counters()) counters[k] = v;
      (void)WriteNodeStatus(ctx, std::move(counters));
    }
  }
  server.Stop();
  spdlog::info("mc-server: stopping; counters {}", CounterLine(server.Counters()));
  return Ok();
}

}  // namespace

int RunMcServerRole(const RoleContext& ctx) {
  if (auto st = Run(ctx); !st) {
    spdlog::error("mc-server: {}", st.error().ToString());
    return 1;
  }
  return 0;
}

}  // namespace kb::app
