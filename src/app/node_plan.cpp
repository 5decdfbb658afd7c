// keybridge up/status: start order of the configured nodes and the node health check.
#include "app/node_plan.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <map>

#include "app/node_status.h"
#include "app/roles.h"

namespace kb::app {
namespace {

int Rank(const std::string& role) {
  static const std::map<std::string, int> ranks = {
      {"idms", 0},     {"kms", 1}, {"cms", 2}, {"gms", 3},    {"mc-server", 4},
      {"mcserver", 4}, {"kmf", 5}, {"iwf", 6}, {"client", 7}, {"radio", 8},
  };
  auto it = ranks.find(role);
  return it == ranks.end() ? 9 : it->second;
}

bool ProbeAddress(const std::string& address) {
  size_t sep = address.find("://");
  if (sep == std::string::npos) return true;
  std::string scheme = address.substr(0, sep);
  if (scheme != "https" && scheme != "http" && scheme != "tcp" && scheme != "sip") return true;
  std::string rest = address.substr(sep + 3);
  size_t colon = rest.rfind(':');
  if (colon == std::string::npos) return false;
  std::string host = rest.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
  if (host == "::") host = "::1";
  unsigned port = 0;
  std::string_view p = std::string_view(rest).substr(colon + 1);
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
  if (ec != std::errc() || port == 0 || port > 65535) return false;
  return TcpAnswers(host, static_cast<uint16_t>(port), 500);
}

}  // namespace

double UnixNow() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

std::vector<PlannedNode> PlanNodes(const YAML::Node& root) {
  std::vector<PlannedNode> out;
  const YAML::Node nodes = root["nodes"];
  if (!nodes || !nodes.IsMap()) return out;
  for (const auto& kv : nodes) {
    PlannedNode n;
    n.name = kv.first.as<std::string>("");
    n.role = n.name;
    if (kv.second.IsMap() && kv.second["role"]) n.role = kv.second["role"].as<std::string>(n.name);
    for (const auto& r : Roles()) n.known = n.known || r.name == n.role;
    out.push_back(std::move(n));
  }
  std::stable_sort(out.begin(), out.end(), [](const PlannedNode& a, const PlannedNode& b) {
    return Rank(a.role) < Rank(b.role);
  });
  return out;
}

bool TcpAnswers(const std::string& host, uint16_t port, int timeout_ms) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0) return false;
  bool ok = false;
  for (addrinfo* ai = res; ai != nullptr && !ok; ai = ai->ai_next) {
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (rc == 0) {
      ok = true;
    } else if (errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      if (poll(&p, 1, timeout_ms) == 1) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        ok = err == 0;
      }
    }
    close(fd);
  }
  freeaddrinfo(res);
  return ok;
}

NodeHealth CheckNode(const std::filesystem::path& node_dir, std::optional<pid_t> expected_pid,
                     double not_before) {
  NodeHealth h;
  auto doc = ReadNodeStatus(node_dir);
  if (!doc) return h;
  double updated = doc->value("updated_at", 0.0);
  if (updated < not_before) return h;  // an earlier run's file
  h.status = *doc;
  pid_t pid = static_cast<pid_t>(doc->value("pid", int64_t{0}));
  h.alive =
      pid > 0 && (!expected_pid || *expected_pid == pid) && (kill(pid, 0) == 0 || errno == EPERM);
  h.age_seconds = std::max(0.0, UnixNow() - updated);
  h.fresh = h.age_seconds <= kFreshSeconds;
  h.ports = true;
  if (h.alive) {
    for (const auto& a : doc->value("listen", nlohmann::json::array())) {
      if (a.is_string() && !ProbeAddress(a.get<std::string>())) h.ports = false;
    }
  }
  return h;
}

std::string NodeHealth::Describe() const {
  if (!status) return "down (no status file)";
  if (!alive) return "down (process gone)";
  if (!fresh) return fmt::format("stale (updated {:.0f} s ago)", age_seconds);
  if (!ports) return "unhealthy (port not answering)";
  return "healthy";
}

}  // namespace kb::app
