// keybridge serve: the HTTPS roles' common configuration (listen address, TLS identity).
#include "app/role_config.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <fstream>
#include <thread>

#include "app/node_status.h"
#include "store/postgres_database.h"

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

std::filesystem::path DataRoot(const YAML::Node& root, const std::string& config_file,
                               const std::string& override_dir) {
  std::filesystem::path data = override_dir;
  if (data.empty()) {
    data = root["data_dir"] ? root["data_dir"].as<std::string>("data") : std::string("data");
    if (data.is_relative()) data = std::filesystem::path(config_file).parent_path() / data;
  }
  return data;
}

Result<store::StorageOptions> NodeStorage(const RoleContext& ctx) {
  YAML::Node section = ctx.config["storage"] ? ctx.config["storage"] : ctx.root["storage"];
  store::StorageOptions o;
  o.dir = ctx.data_dir;
  if (!section) return o;
  if (!section.IsMap()) return Fail(Error::InvalidArgument("storage: expected a map"));
  KB_TRY(std::string backend, Get<std::string>(section, "backend", "sqlite"));
  if (backend == "sqlite") return o;
  if (backend != "postgresql" && backend != "postgres")
    return Fail(Error::InvalidArgument(
        fmt::format("storage.backend: '{}' (expected sqlite or postgresql)", backend)));
  o.backend = store::Backend::kPostgresql;
  KB_TRY(o.url, Get<std::string>(section, "url", ""));
  KB_TRY(std::string url_file, Get<std::string>(section, "url_file", ""));
  if (o.url.empty() && !url_file.empty()) {
    // The URL may hold a password: keep it in a file (first line).
    std::ifstream in(ConfigPath(ctx, url_file));
    if (!in) return Fail(Error::Io(fmt::format("storage.url_file: cannot read {}", url_file)));
    std::getline(in, o.url);
    while (!o.url.empty() && (o.url.back() == '\r' || o.url.back() == ' ')) o.url.pop_back();
  }
  if (o.url.empty()) return Fail(Error::InvalidArgument("storage: url or url_file is required"));
  KB_TRY(o.schema,
         Get<std::string>(section, "schema", store::PostgresDatabase::SchemaName(ctx.node)));
  return o;
}

nlohmann::json HttpCounters::ToJson() const {
  return {{"requests", requests.load()},
          {"responses_2xx", ok.load()},
          {"responses_4xx", client_errors.load()},
          {"responses_5xx", server_errors.load()}};
}

net::HttpRouter CountingRouter(net::HttpRouter router, std::shared_ptr<HttpCounters> counters) {
  auto inner = std::make_shared<net::HttpRouter>(std::move(router));
  net::HttpRouter outer;
  for (const char* method : {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"}) {
    outer.AddPrefix(method, "/", [inner, counters](const net::HttpRequest& req) {
      counters->requests++;
      net::HttpResponse res = inner->Dispatch(req);
      if (res.status >= 500) {
        counters->server_errors++;
      } else if (res.status >= 400) {
        counters->client_errors++;
      } else {
        counters->ok++;
      }
      return res;
    });
  }
  return outer;
}

int ServeUntilStopped(const RoleContext& ctx, net::HttpsServer& server, const std::string& what,
                      const std::function<nlohmann::json()>& counters) {
  spdlog::info("{} listening on port {} (TLS certificate {})", what, server.port(),
               (ctx.data_dir / net::kTlsCertFile).string());
  std::string address = "127.0.0.1";
  if (auto listen = Get<std::string>(ctx.config, "listen", ""); listen && !listen->empty()) {
    address = listen->substr(0, listen->rfind(':'));
  }
  std::vector<std::string> listen{fmt::format("https://{}:{}", address, server.port())};
  auto last = std::chrono::steady_clock::time_point{};
  while (ctx.stop == nullptr || !ctx.stop->load()) {
    auto now = std::chrono::steady_clock::now();
    if (now - last >= std::chrono::seconds(1)) {
      last = now;
      if (auto st = WriteNodeStatus(ctx, counters ? counters() : nlohmann::json::object(), listen);
          !st) {
        spdlog::warn("{}: {}", what, st.error().ToString());
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  spdlog::info("{} stopping", what);
  server.Stop();
  return 0;
}

}  // namespace kb::app
