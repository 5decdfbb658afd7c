// keybridge client/radio nodes (docs/client.md "Control socket"): the local control socket a
// running node answers (data_dir/<node>/control.sock, mode 0600), one request line and one JSON
// answer line per connection, and the commands client and radio nodes share.
#pragma once

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "client/client_core.h"
#include "core/error.h"

namespace kb::app {

// The server side of the control socket: one connection at a time, one line each.
class ControlServer {
 public:
  // Binds (replacing a stale socket file) with mode 0600. kIo when it cannot.
  static Result<std::unique_ptr<ControlServer>> Open(const std::filesystem::path& path);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Waits up to timeout_ms for a connection; returns its request line (the connection in *conn,
  // to be answered with Answer()).
  std::optional<std::string> Next(int timeout_ms, int* conn);
  // Sends one JSON line and closes the connection.
  static void Answer(int conn, const nlohmann::json& j);

 private:
  ControlServer(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

// {"ok": false, "error": "..."}.
nlohmann::json ControlRefusal(const Error& e);

// "import-root-key PATH": reads and parses the key-fill file, installs it into core and logs
// one line (ALGID and KID, never the key). `who` names the node in the log.
nlohmann::json ControlImportRootKey(client::ClientCore& core, const std::string& path,
                                    const std::string& who);

}  // namespace kb::app
