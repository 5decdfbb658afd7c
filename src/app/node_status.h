// keybridge up/status (docs/operations.md "Node status"): every running node writes
// data_dir/<node>/status.json about once a second; `keybridge status` reads them.
#pragma once

#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "app/roles.h"
#include "core/error.h"

namespace kb::app {

inline constexpr const char* kNodeStatusFile = "status.json";

// Writes ctx.data_dir/status.json atomically (temporary file + rename):
//   {"node", "role", "pid", "listen": [...], "started_at", "updated_at", "counters": {...}}
// Times are Unix seconds (double). listen lists "<scheme>://address:port" strings (https, tcp,
// sip, udp ...); when empty it is taken from the node's configuration: `listen` as tcp://, and
// every `<scheme>_listen` key as <scheme>:// (a string or a list). started_at is the time of the
// first call for this node in this process. Never throws.
Status WriteNodeStatus(const RoleContext& ctx, nlohmann::json counters,
                       std::vector<std::string> listen = {});

// For a role whose main loop blocks (the KMF's KmfService::Run): a thread that writes the
// status file with counters() about once a second, from construction until destruction.
class NodeStatusThread {
 public:
  NodeStatusThread(const RoleContext& ctx, std::function<nlohmann::json()> counters);
  ~NodeStatusThread();
  NodeStatusThread(const NodeStatusThread&) = delete;
  NodeStatusThread& operator=(const NodeStatusThread&) = delete;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// Reads a status file; kNotFound when it does not exist.
Result<nlohmann::json> ReadNodeStatus(const std::filesystem::path& node_data_dir);

}  // namespace kb::app
