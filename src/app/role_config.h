// keybridge serve: helpers the HTTPS roles share to read their YAML section (docs/https.md).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "app/roles.h"
#include "core/error.h"
#include "net/http_server.h"

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

// Serves until ctx.stop is set, then stops the server.
int ServeUntilStopped(const RoleContext& ctx, net::HttpsServer& server, const std::string& what);

}  // namespace kb::app
