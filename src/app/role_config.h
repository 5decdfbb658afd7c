// keybridge serve: helpers the HTTPS roles share to read their YAML section (docs/https.md).
#pragma once

#include <yaml-cpp/yaml.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/roles.h"
#include "core/error.h"
#include "net/http_server.h"
#include "store/database.h"

namespace kb::app {

// config[key] as T, or fallback when absent; kInvalidArgument naming the key when mistyped.
template <typename T>
Result<T> Get(const YAML::Node& config, const char* key, T fallback) {
  if (!config[key]) return fallback;
  try {
    return config[key].as<T>();
  } catch (const YAML::Exception&) {
    return Fail(
        Error::InvalidArgument(std::string("configuration key '") + key + "' has the wrong type"));
  }
}

// A path from the configuration: relative paths are relative to the top-level data_dir.
std::filesystem::path ConfigPath(const RoleContext& ctx, const std::string& value);

// The HTTPS server options of a node: listen ("address:port", default 127.0.0.1:0), tls_names
// (default [localhost, 127.0.0.1]), max_body, timeout_ms, threads; the TLS identity is made in
// the node's data dir on first start.
Result<net::HttpsServerOptions> ServerOptions(const RoleContext& ctx, uint16_t default_port);

// The data directory of a configuration: override when given, else the file's data_dir (default
// "data"), relative to the configuration file's directory.
std::filesystem::path DataRoot(const YAML::Node& root, const std::string& config_file,
                               const std::string& override_dir = {});

// Where the node keeps its databases (docs/storage.md): the node's `storage:` section, else the
// top-level `storage:`, else SQLite files in the node's data dir.
//   storage: {backend: sqlite}
//   storage: {backend: postgresql, url: postgresql://..., schema: NAME}  (or url_file: FILE)
// The PostgreSQL schema defaults to the node's name (lower case, [a-z0-9_]).
Result<store::StorageOptions> NodeStorage(const RoleContext& ctx);

// Request counters of an HTTPS role, for its status file.
struct HttpCounters {
  std::atomic<uint64_t> requests{0}, ok{0}, client_errors{0}, server_errors{0};
  nlohmann::json ToJson() const;
};
// Wraps router so that every request is counted in counters.
net::HttpRouter CountingRouter(net::HttpRouter router, std::shared_ptr<HttpCounters> counters);

// Serves until ctx.stop is set, then stops the server. Writes the node's status file every
// second with counters() (when given) and listen address https://<address>:<port>.
int ServeUntilStopped(const RoleContext& ctx, net::HttpsServer& server, const std::string& what,
                      const std::function<nlohmann::json()>& counters = {});

}  // namespace kb::app
