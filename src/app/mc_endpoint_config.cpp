// keybridge serve: the SIP endpoint section of the iwf and kmf (sds) roles (docs/iwf.md).
#include "app/mc_endpoint_config.h"

#include <fmt/format.h>

#include <charconv>
#include <fstream>

#include "app/role_config.h"
#include "mc/lmr_security_message.h"

namespace kb::app {

Result<std::pair<std::string, uint16_t>> ParseHostPort(const std::string& text,
                                                       std::string_view key) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return Fail(
        Error::InvalidArgument(fmt::format("{}: expected address:port, got '{}'", key, text)));
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  std::string_view port = std::string_view(text).substr(colon + 1);
  unsigned p = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || end != port.data() + port.size() || p > 65535)
    return Fail(Error::InvalidArgument(fmt::format("{}: bad port '{}'", key, port)));
  return std::make_pair(host, static_cast<uint16_t>(p));
}

Result<mc_endpoint::McEndpointConfig> ReadMcEndpointConfig(const RoleContext& ctx,
                                                           const std::string& default_identity,
                                                           uint16_t default_sip_port) {
  mc_endpoint::McEndpointConfig c;
  KB_TRY(c.identity, Get<std::string>(ctx.config, "identity", default_identity));
  KB_TRY(std::string password_file, Get<std::string>(ctx.config, "password_file", ""));
  if (password_file.empty())
    return Fail(Error::InvalidArgument("password_file is required (the SIP digest password)"));
  {
    auto path = ConfigPath(ctx, password_file);
    std::ifstream f(path);
    if (!f) return Fail(Error::Io(fmt::format("cannot read {}", path.string())));
    std::string line;
    std::getline(f, line);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty()) return Fail(Error::InvalidArgument(path.string() + ": empty password"));
    c.password = SecretBytes::Adopt(Bytes(line.begin(), line.end()));
    SecureWipe(line.data(), line.size());
  }
  KB_TRY(std::string transport, Get<std::string>(ctx.config, "sip_transport", "udp"));
  if (transport == "udp") {
    c.server.transport = net::Transport::kUdp;
  } else if (transport == "tcp") {
    c.server.transport = net::Transport::kTcp;
  } else {
    return Fail(Error::InvalidArgument("sip_transport: udp or tcp"));
  }
  KB_TRY(std::string server, Get<std::string>(ctx.config, "mc_server", "127.0.0.1:5060"));
  KB_TRY(auto server_hp, ParseHostPort(server, "mc_server"));
  c.server.host = server_hp.first;
  c.server.port = server_hp.second;
  KB_TRY(std::string listen,
         Get<std::string>(ctx.config, "sip_listen", fmt::format("127.0.0.1:{}", default_sip_port)));
  KB_TRY(auto listen_hp, ParseHostPort(listen, "sip_listen"));
  c.stack.bind_address = listen_hp.first;
  c.stack.udp_port = listen_hp.second;
  c.stack.tcp_port = listen_hp.second;
  std::string_view id = c.identity;
  if (id.starts_with("sip:")) id.remove_prefix(4);
  size_t at = id.find('@');
  if (at == std::string_view::npos)
    return Fail(
        Error::InvalidArgument(fmt::format("identity '{}' is not sip:user@domain", c.identity)));
  c.stack.user = std::string(id.substr(0, at));
  c.stack.domain = std::string(id.substr(at + 1));
  KB_TRY(c.expires, Get<uint32_t>(ctx.config, "register_expires", c.expires));
  return c;
}

// nodes.<node>.rsi_map: a list of {rsi, mc_service_id, lmr_type (P25 | TETRA, default P25)}.
Result<iwf::RsiMap> ReadRsiMap(const RoleContext& ctx) {
  std::vector<iwf::RsiMapping> entries;
  YAML::Node list = ctx.config["rsi_map"];
  if (list && !list.IsSequence()) return Fail(Error::InvalidArgument("rsi_map: expected a list"));
  for (size_t i = 0; list && i < list.size(); ++i) {
    YAML::Node n = list[i];
    iwf::RsiMapping m;
    auto where = [&](const char* what) {
      return Error::InvalidArgument(fmt::format("rsi_map[{}]: {}", i, what));
    };
    try {
      if (!n["rsi"] || !n["mc_service_id"]) return Fail(where("rsi and mc_service_id needed"));
      m.rsi = n["rsi"].as<uint32_t>();
      m.mc_service_id = n["mc_service_id"].as<std::string>();
      if (n["lmr_type"]) {
        auto t = mc::ParseLmrTypeName(n["lmr_type"].as<std::string>());
        if (!t) return Fail(where(t.error().message().c_str()));
        m.lmr_type = *t;
      }
    } catch (const YAML::Exception&) {
      return Fail(where("rsi must be a number, mc_service_id a string"));
    }
    entries.push_back(std::move(m));
  }
  return iwf::RsiMap::Build(std::move(entries));
}

}  // namespace kb::app
