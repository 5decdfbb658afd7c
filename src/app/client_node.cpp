// keybridge client nodes: configuration, key store and control socket (docs/client.md).
#include "app/client_node.h"

#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>

#include "app/role_config.h"
#include "kms/at_rest.h"

namespace kb::app {
namespace {

// "address:port" (IPv4 or [IPv6]).
Result<net::SipEndpoint> Address(const std::string& text, const std::string& transport,
                                 const char* key) {
  net::SipEndpoint e;
  if (transport == "tcp") {
    e.transport = net::Transport::kTcp;
  } else if (transport != "udp") {
    return Fail(Error::InvalidArgument(fmt::format("{}: transport must be udp or tcp", key)));
  }
  size_t colon = text.rfind(':');
  if (colon == std::string::npos)
    return Fail(Error::InvalidArgument(fmt::format("{}: expected address:port", key)));
  e.host = text.substr(0, colon);
  if (e.host.size() > 2 && e.host.front() == '[') e.host = e.host.substr(1, e.host.size() - 2);
  unsigned port = 0;
  std::string_view p = std::string_view(text).substr(colon + 1);
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
  if (ec != std::errc() || end != p.data() + p.size() || port == 0 || port > 65535)
    return Fail(Error::InvalidArgument(fmt::format("{}: bad port '{}'", key, p)));
  e.port = static_cast<uint16_t>(port);
  return e;
}

// An RSI in decimal or 0x-hex (YAML reads 0x.. as an integer already; strings are accepted).
Result<uint32_t> Rsi(const YAML::Node& config, const char* key, uint32_t fallback) {
  KB_TRY(std::string text, Get<std::string>(config, key, ""));
  if (text.empty()) return fallback;
  int base = 10;
  std::string_view t = text;
  if (t.starts_with("0x") || t.starts_with("0X")) {
    t.remove_prefix(2);
    base = 16;
  }
  uint32_t v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v, base);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size() || v == 0 || v >= 0xFFFFFF)
    return Fail(Error::InvalidArgument(fmt::format("{}: not an RSI (1..0xFFFFFE)", key)));
  return v;
}

// The P25 subscriber unit's fields, the same for client and radio nodes: rsi (required),
// group_rsi, kmf_rsi, mnp, require_mac.
template <typename NodeConfig>
Status ReadSubscriberUnitFields(const YAML::Node& y, NodeConfig& c) {
  KB_TRY(c.rsi, Rsi(y, "rsi", 0));
  if (c.rsi == 0) return Fail(Error::InvalidArgument("rsi is required"));
  KB_TRY(uint32_t group, Rsi(y, "group_rsi", 0));
  if (group != 0) c.group_rsi = group;
  KB_TRY(c.kmf_rsi, Rsi(y, "kmf_rsi", p25::kDefaultKmfRsi));
  KB_TRY(unsigned mnp, Get<unsigned>(y, "mnp", c.mnp));
  if (mnp > 0xFFFF) return Fail(Error::InvalidArgument("mnp: 0..65535"));
  c.mnp = static_cast<uint16_t>(mnp);
  KB_TRY(c.require_mac, Get<bool>(y, "require_mac", true));
  return Ok();
}

template <typename NodeConfig, typename CoreConfig>
void ApplySubscriberUnitFields(const NodeConfig& c, CoreConfig& cc) {
  cc.su.individual_rsi = c.rsi;
  cc.su.group_rsi = c.group_rsi;
  cc.su.kmf_rsi = c.kmf_rsi;
  cc.su.message_number_period = c.mnp;
  cc.su.require_mac = c.require_mac;
}

}  // namespace

Result<SecretBytes> ReadPassword(const std::filesystem::path& file) {
  KB_TRY(SecretBytes raw, kms::ReadSecretFile(file, 4096));
  size_t n = 0;
  ByteView v = raw.Reveal();
  while (n < v.size() && v[n] != '\n' && v[n] != '\r') ++n;
  if (n == 0) return Fail(Error::InvalidArgument(fmt::format("{}: empty password", file.string())));
  return SecretBytes(v.first(n));
}

Result<ClientNodeConfig> ReadClientNodeConfig(const RoleContext& ctx) {
  ClientNodeConfig c;
  const YAML::Node& y = ctx.config;
  KB_TRY(c.user, Get<std::string>(y, "user", ""));
  if (!c.user.starts_with("sip:") || c.user.find('@') == std::string::npos)
    return Fail(Error::InvalidArgument("user: an MC service ID such as sip:alice@example.org"));
  KB_TRY(std::string pw, Get<std::string>(y, "password_file", ""));
  if (pw.empty()) return Fail(Error::InvalidArgument("password_file is required"));
  c.password_file = ConfigPath(ctx, pw);
  KB_CHECK(ReadSubscriberUnitFields(y, c));
  KB_TRY(std::string transport, Get<std::string>(y, "transport", "udp"));
  KB_TRY(std::string server, Get<std::string>(y, "mc_server", "127.0.0.1:5060"));
  KB_TRY(c.mc_server, Address(server, transport, "mc_server"));
  KB_TRY(c.bind_address, Get<std::string>(y, "bind_address", c.bind_address));
  KB_TRY(c.lmr_security_fe, Get<std::string>(y, "lmr_security_fe", ""));
  KB_TRY(std::string carrier, Get<std::string>(y, "carrier", "interworking-data"));
  if (carrier != "interworking-data" && carrier != "sds")
    return Fail(Error::InvalidArgument("carrier: interworking-data or sds"));
  c.sds = carrier == "sds";
  KB_TRY(std::string key_file, Get<std::string>(y, "storage_key_file", ""));
  c.storage_key_file =
      key_file.empty() ? ctx.data_dir / "client-storage.key" : ConfigPath(ctx, key_file);
  KB_TRY(c.idms, Get<std::string>(y, "idms", ""));
  KB_TRY(c.kms, Get<std::string>(y, "kms", ""));
  KB_TRY(c.cms, Get<std::string>(y, "cms", ""));
  KB_TRY(std::string idms_ca, Get<std::string>(y, "idms_ca", "idms/tls-cert.pem"));
  KB_TRY(std::string kms_ca, Get<std::string>(y, "kms_ca", "kms/tls-cert.pem"));
  KB_TRY(std::string cms_ca, Get<std::string>(y, "cms_ca", "cms/tls-cert.pem"));
  c.idms_ca = ConfigPath(ctx, idms_ca);
  c.kms_ca = ConfigPath(ctx, kms_ca);
  c.cms_ca = ConfigPath(ctx, cms_ca);
  KB_TRY(std::string cms_sip, Get<std::string>(y, "cms_sip", "127.0.0.1:5080"));
  KB_TRY(std::string cms_transport, Get<std::string>(y, "cms_transport", "udp"));
  KB_TRY(c.cms_sip, Address(cms_sip, cms_transport, "cms_sip"));
  KB_TRY(c.cms_uri, Get<std::string>(y, "cms_uri", c.cms_uri));
  KB_TRY(c.profile_index, Get<uint32_t>(y, "profile_index", 1));
  KB_TRY(c.authorised_iwfs, Get<std::vector<std::string>>(y, "authorised_iwfs", {}));
  KB_TRY(c.root_key_max_age, Get<uint64_t>(y, "root_key_max_age", c.root_key_max_age));
  KB_TRY(c.subscribe_expires, Get<uint32_t>(y, "subscribe_expires", c.subscribe_expires));
  if (!c.cms.empty() && (c.idms.empty() || c.kms.empty()))
    return Fail(Error::InvalidArgument("cms is set: idms and kms are required too"));
  return c;
}

Result<RoleContext> LoadNodeContext(const std::string& config_file, const std::string& node) {
  RoleContext ctx;
  ctx.role = "client";
  ctx.node = node;
  try {
    ctx.root = YAML::LoadFile(config_file);
  } catch (const YAML::Exception& e) {
    return Fail(Error::InvalidArgument(fmt::format("{}: {}", config_file, e.what())));
  }
  ctx.config = ctx.root["nodes"][node];
  if (!ctx.config)
    return Fail(Error::NotFound(fmt::format("{}: no section nodes.{}", config_file, node)));
  std::filesystem::path data =
      ctx.root["data_dir"] ? ctx.root["data_dir"].as<std::string>() : std::string("data");
  if (data.is_relative()) data = std::filesystem::path(config_file).parent_path() / data;
  ctx.data_dir = data / node;
  std::error_code ec;
  std::filesystem::create_directories(ctx.data_dir, ec);
  if (ec) return Fail(Error::Io(fmt::format("cannot create {}", ctx.data_dir.string())));
  return ctx;
}

Result<std::unique_ptr<client::ClientCore>> OpenClientCore(const RoleContext& ctx,
                                                           const ClientNodeConfig& c) {
  client::ClientCoreConfig cc;
  cc.mc_id = c.user;
  cc.state_file = ctx.data_dir / "su-state.sealed";
  KB_TRY(cc.storage_key, kms::LoadStorageKey(c.storage_key_file, /*create=*/true));
  ApplySubscriberUnitFields(c, cc);
  return client::ClientCore::Open(std::move(cc));
}

Result<RadioNodeConfig> ReadRadioNodeConfig(const RoleContext& ctx) {
  RadioNodeConfig c;
  const YAML::Node& y = ctx.config;
  KB_CHECK(ReadSubscriberUnitFields(y, c));
  KB_TRY(c.dli_listen, Get<std::string>(y, "dli_listen", c.dli_listen));
  KB_TRY(c.kmf, Get<std::string>(y, "kmf", c.kmf));
  KB_TRY(c.only_from_kmf, Get<bool>(y, "only_from_kmf", true));
  KB_TRY(std::string key_file, Get<std::string>(y, "storage_key_file", ""));
  c.storage_key_file =
      key_file.empty() ? ctx.data_dir / "radio-storage.key" : ConfigPath(ctx, key_file);
  return c;
}

std::string RadioOwner(const RoleContext& ctx) { return "p25-radio:" + ctx.node; }

Result<std::unique_ptr<client::ClientCore>> OpenRadioCore(const RoleContext& ctx,
                                                          const RadioNodeConfig& c) {
  client::ClientCoreConfig cc;
  cc.mc_id = RadioOwner(ctx);
  cc.state_file = ctx.data_dir / "su-state.sealed";
  KB_TRY(cc.storage_key, kms::LoadStorageKey(c.storage_key_file, /*create=*/true));
  ApplySubscriberUnitFields(c, cc);
  return client::ClientCore::Open(std::move(cc));
}

std::string NodeRole(const RoleContext& ctx) {
  if (ctx.config["role"] && ctx.config["role"].IsScalar())
    return ctx.config["role"].as<std::string>();
  return ctx.node;
}

Result<std::unique_ptr<client::ClientCore>> OpenNodeCore(const RoleContext& ctx) {
  if (NodeRole(ctx) == "radio") {
    KB_TRY(RadioNodeConfig r, ReadRadioNodeConfig(ctx));
    return OpenRadioCore(ctx, r);
  }
  KB_TRY(ClientNodeConfig c, ReadClientNodeConfig(ctx));
  return OpenClientCore(ctx, c);
}

std::filesystem::path ControlSocketPath(const RoleContext& ctx) {
  return ctx.data_dir / "control.sock";
}

Result<std::optional<std::string>> ControlRequest(const RoleContext& ctx, const std::string& line) {
  std::string path = ControlSocketPath(ctx).string();
  sockaddr_un addr{};
  if (path.size() >= sizeof(addr.sun_path))
    return Fail(Error::InvalidArgument(fmt::format("{}: path too long for a socket", path)));
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Fail(Error::Io(fmt::format("socket: {}", std::strerror(errno))));
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return std::optional<std::string>();  // not running
  }
  timeval tv{30, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  std::string req = line + "\n";
  if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
    ::close(fd);
    return Fail(Error::Io(fmt::format("{}: send failed", path)));
  }
  std::string answer;
  char buf[4096];
  while (answer.find('\n') == std::string::npos && answer.size() < (1 << 20)) {
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    answer.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  if (answer.empty()) return Fail(Error::Io(fmt::format("{}: no answer", path)));
  if (answer.back() == '\n') answer.pop_back();
  return std::optional<std::string>(std::move(answer));
}

}  // namespace kb::app
