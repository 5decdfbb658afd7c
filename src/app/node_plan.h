// keybridge up/status (docs/operations.md): the nodes of a configuration file, in start order, and
// the health check of a running node.
#pragma once

#include <sys/types.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace kb::app {

struct PlannedNode {
  std::string name;    // nodes.<name>
  std::string role;    // nodes.<name>.role, or the name itself
  bool known = false;  // the role is in this build's Roles() table
};

// Every node of root["nodes"] in dependency order: idms, kms, cms, gms, mc-server, kmf, iwf,
// client, radio, then any other role; file order within one rank.
std::vector<PlannedNode> PlanNodes(const YAML::Node& root);

struct NodeHealth {
  std::optional<nlohmann::json> status;  // the node's status.json, when readable
  bool alive = false;                    // its pid is a running process
  bool ports = false;                    // every TCP-based listen address accepts a connection
  bool fresh = false;                    // updated within kFreshSeconds
  double age_seconds = 0;
  bool healthy() const { return alive && ports && fresh; }
  std::string Describe() const;  // "healthy", "down (no status file)", "stale (updated 9 s ago)"
};

inline constexpr double kFreshSeconds = 5;

// Checks node_dir/status.json: the process (expected_pid, when given, must match the file's),
// the ports (https://, tcp://, sip://, http:// addresses; 0.0.0.0 and :: probed on loopback) and
// the freshness; not_before rejects a file written before that Unix time (an older run's).
NodeHealth CheckNode(const std::filesystem::path& node_dir, std::optional<pid_t> expected_pid = {},
                     double not_before = 0);

// A TCP connection to host:port within timeout_ms.
bool TcpAnswers(const std::string& host, uint16_t port, int timeout_ms);

double UnixNow();

}  // namespace kb::app
