// keybridge serve: the HTTPS roles' common configuration (listen address, TLS identity).
#include "app/role_config.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <thread>

namespace kb::app {

std::filesystem::path ConfigPath(const RoleContext& ctx, const std::string& value) {
  std::filesystem::path p(value);
  if (p.is_absolute()) return p;
  return ctx.data_dir.parent_path() / p;
}

Result<net::HttpsServerOptions> ServerOptions(const RoleContext& ctx, uint16_t default_port) {
  net::HttpsServerOptions o;
  KB_TRY(std::string listen,
         Get<std::string>(ctx.config, "listen", fmt::format("127.0.0.1:{}", default_port)));
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos)
    return Fail(Error::InvalidArgument("listen: expected address:port"));
  o.address = listen.substr(0, colon);
  if (o.address.size() > 2 && o.address.front() == '[')
    o.address = o.address.substr(1, o.address.size() - 2);
  std::string_view port = std::string_view(listen).substr(colon + 1);
  unsigned p = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || end != port.data() + port.size() || p > 65535) {
    return Fail(Error::InvalidArgument(fmt::format("listen: bad port '{}'", port)));
  }
  o.port = static_cast<uint16_t>(p);
  KB_TRY(auto names,
         Get<std::vector<std::string>>(ctx.config, "tls_names", {"localhost", "127.0.0.1"}));
  KB_TRY(o.identity, net::LoadOrCreateSelfSigned(ctx.data_dir, names));
  KB_TRY(o.max_body_bytes, Get<size_t>(ctx.config, "max_body", o.max_body_bytes));
  KB_TRY(int64_t timeout, Get<int64_t>(ctx.config, "timeout_ms", o.timeout.count()));
  o.timeout = std::chrono::milliseconds(timeout);
  KB_TRY(o.threads, Get<unsigned>(ctx.config, "threads", 2));
  return o;
}

int ServeUntilStopped(const RoleContext& ctx, net::HttpsServer& server, const std::string& what) {
  spdlog::info("{} listening on port {} (TLS certificate {})", what, server.port(),
               (ctx.data_dir / net::kTlsCertFile).string());
  while (ctx.stop == nullptr || !ctx.stop->load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  spdlog::info("{} stopping", what);
  server.Stop();
  return 0;
}

}  // namespace kb::app
