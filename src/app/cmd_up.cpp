// keybridge up [--config FILE] [--single-process]: every configured node as its own process (or
// thread), started in dependency order once the previous one is healthy, stopped in reverse
// order on SIGINT/SIGTERM (docs/operations.md).
#include <fmt/format.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <thread>

#include "app/commands.h"
#include "app/first_start_secrets.h"
#include "app/node_plan.h"
#include "app/role_config.h"
#include "app/roles.h"

namespace kb::app {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct UpFlags {
  std::string config = "config/keybridge.yaml";
  std::string data_dir;
  bool single_process = false;
  int start_timeout = 60;
};

// One started node: a child process, or a thread of this one.
struct Running {
  PlannedNode node;
  pid_t pid = -1;
  // --single-process
  std::unique_ptr<std::atomic<bool>> stop;
  std::unique_ptr<std::atomic<bool>> finished;
  std::unique_ptr<RoleContext> ctx;
  std::thread thread;
  int exit_code = 0;
  bool exited = false;
};

void Say(const std::string& line) {
  std::fprintf(stderr, "keybridge up: %s\n", line.c_str());
  std::fflush(stderr);
}

std::string SelfExe() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("keybridge") : p.string();
}

std::string DescribeWait(int status) {
  if (WIFEXITED(status)) return fmt::format("exit code {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return fmt::format("signal {}", WTERMSIG(status));
  return "unknown status";
}

pid_t Spawn(const std::vector<std::string>& args) {
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid != 0) return pid;
  // Child: its own process group (a terminal's Ctrl-C reaches only `up`, which stops the nodes in
  // order), and SIGTERM when `up` dies.
  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent) _exit(1);
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execv(argv[0], argv.data());
  _exit(127);
}

// True when r has ended (reaping the child); sets exit_code.
bool Ended(Running& r) {
  if (r.exited) return true;
  if (r.pid > 0) {
    int status = 0;
    if (waitpid(r.pid, &status, WNOHANG) == r.pid) {
      r.exited = true;
      r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      Say(fmt::format("node {} (pid {}) ended: {}", r.node.name, r.pid, DescribeWait(status)));
    }
  } else if (r.finished && r.finished->load()) {
    r.thread.join();
    r.exited = true;
    Say(fmt::format("node {} (thread) ended: exit code {}", r.node.name, r.exit_code));
  }
  return r.exited;
}

void StopOne(Running& r) {
  if (Ended(r)) return;
  if (r.pid > 0) {
    kill(r.pid, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + 15s;
    while (!Ended(r) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(50ms);
    if (!r.exited) {
      Say(fmt::format("node {} (pid {}) did not stop: SIGKILL", r.node.name, r.pid));
      kill(r.pid, SIGKILL);
      int status = 0;
      waitpid(r.pid, &status, 0);
      r.exited = true;
      r.exit_code = 128 + SIGKILL;
    }
  } else {
    r.stop->store(true);
    r.thread.join();
    r.exited = true;
  }
  Say(fmt::format("stopped {}", r.node.name));
}

int RunUp(const UpFlags& f) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(f.config);
  } catch (const YAML::Exception& e) {
    std::fprintf(stderr, "keybridge: %s: %s\n", f.config.c_str(), e.what());
    return 2;
  }
  fs::path data = fs::absolute(DataRoot(root, f.config, f.data_dir));
  std::string config = fs::absolute(f.config).string();
  auto created = CreateMissingPasswordFiles(root["nodes"], data);
  if (!created) {
    Say(created.error().ToString());
    return 1;
  }
  for (const auto& p : *created)
    Say(fmt::format("first start: created {} (a random password)", p.string()));
  static std::atomic<bool> stop{false};
  InstallStopSignals(&stop);
  if (f.single_process) spdlog::set_pattern("%H:%M:%S.%e [%t] %^%l%$ %v");

  std::deque<Running> running;
  bool failed = false;
  for (const auto& node : PlanNodes(root)) {
    if (stop.load()) break;
    if (!node.known) {
      Say(fmt::format("skipping node {}: role '{}' is not in this build", node.name, node.role));
      continue;
    }
    double started = UnixNow() - 0.5;
    Running& r = running.emplace_back();
    r.node = node;
    if (f.single_process) {
      r.stop = std::make_unique<std::atomic<bool>>(false);
      r.finished = std::make_unique<std::atomic<bool>>(false);
      r.ctx = std::make_unique<RoleContext>();
      r.ctx->role = node.role;
      r.ctx->node = node.name;
      r.ctx->root = root;
      r.ctx->config = root["nodes"][node.name];
      r.ctx->data_dir = data / node.name;
      r.ctx->stop = r.stop.get();
      std::error_code ec;
      fs::create_directories(r.ctx->data_dir, ec);
      const Role* role = nullptr;
      for (const auto& x : Roles()) {
        if (x.name == node.role) role = &x;
      }
      r.thread = std::thread([&r, role] {
        r.exit_code = role->run(*r.ctx);
        r.finished->store(true);
      });
    } else {
      r.pid = Spawn({SelfExe(), "serve", "--role", node.role, "--config", config, "--node",
                     node.name, "--data-dir", data.string()});
      if (r.pid < 0) {
        Say(fmt::format("cannot start node {}: fork failed", node.name));
        running.pop_back();
        failed = true;
        break;
      }
    }
    Say(fmt::format("starting {} (role {}{})", node.name, node.role,
                    r.pid > 0 ? fmt::format(", pid {}", r.pid) : std::string(", thread")));
    std::optional<pid_t> expect = r.pid > 0 ? std::optional<pid_t>(r.pid) : getpid();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(f.start_timeout);
    bool healthy = false;
    while (!stop.load() && !Ended(r) && std::chrono::steady_clock::now() < deadline) {
      NodeHealth h = CheckNode(data / node.name, expect, started);
      if (h.healthy()) {
        healthy = true;
        std::string listen;
        for (const auto& a : h.status->value("listen", nlohmann::json::array()))
          listen += (listen.empty() ? "" : " ") + a.get<std::string>();
        Say(fmt::format("{} is healthy ({})", node.name, listen));
        break;
      }
      std::this_thread::sleep_for(100ms);
    }
    if (!healthy) {
      if (!stop.load()) {
        Say(fmt::format("node {} did not become healthy{}", node.name,
                        r.exited ? "" : fmt::format(" within {} s", f.start_timeout)));
        failed = true;
      }
      break;
    }
  }

  if (!failed && !stop.load()) {
    Say(fmt::format("{} node(s) up; SIGINT or SIGTERM stops them", running.size()));
    while (!stop.load()) {
      for (auto& r : running) {
        if (!r.exited && Ended(r)) {
          Say(fmt::format("node {} is down and is not restarted", r.node.name));
          failed = true;
        }
      }
      std::this_thread::sleep_for(200ms);
    }
  }
  for (auto it = running.rbegin(); it != running.rend(); ++it) StopOne(*it);
  Say("all nodes stopped");
  return failed ? 1 : 0;
}

// keybridge status: one line per node.
int RunStatus(const std::string& config_file, const std::string& data_dir, bool json) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(config_file);
  } catch (const YAML::Exception& e) {
    std::fprintf(stderr, "keybridge: %s: %s\n", config_file.c_str(), e.what());
    return 2;
  }
  fs::path data = DataRoot(root, config_file, data_dir);
  bool all_healthy = true;
  nlohmann::json out = nlohmann::json::array();
  std::string table = fmt::format("{:<12} {:<10} {:>7}  {:<28} {:<30} {}\n", "NODE", "ROLE", "PID",
                                  "ADDRESS", "HEALTH", "COUNTERS");
  for (const auto& node : PlanNodes(root)) {
    NodeHealth h;
    std::string health = "skipped (role not in this build)";
    if (node.known) {
      h = CheckNode(data / node.name);
      health = h.Describe();
      all_healthy = all_healthy && h.healthy();
    }
    std::string pid = "-", address = "-", counters;
    nlohmann::json counters_json = nlohmann::json::object();
    if (h.status) {
      pid = std::to_string(h.status->value("pid", int64_t{0}));
      auto listen = h.status->value("listen", nlohmann::json::array());
      if (!listen.empty() && listen[0].is_string()) {
        address = listen[0].get<std::string>();
        if (listen.size() > 1) address += fmt::format(" (+{})", listen.size() - 1);
      }
      counters_json = h.status->value("counters", nlohmann::json::object());
      for (const auto& [k, v] : counters_json.items())
        counters += fmt::format("{}{}={}", counters.empty() ? "" : " ", k, v.dump());
    }
    table += fmt::format("{:<12} {:<10} {:>7}  {:<28} {:<30} {}\n", node.name, node.role, pid,
                         address, health, counters);
    out.push_back({{"node", node.name},
                   {"role", node.role},
                   {"health", health},
                   {"healthy", h.healthy()},
                   {"status", h.status ? *h.status : nlohmann::json()}});
  }
  if (json) {
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    std::fputs(table.c_str(), stdout);
  }
  return all_healthy ? 0 : 1;
}

}  // namespace

void RegisterUpCommands(CLI::App& app) {
  static UpFlags f;
  auto* up = app.add_subcommand("up", "start every node of the configuration (until SIGTERM)");
  up->add_option("--config", f.config, "the YAML configuration file")
      ->check(CLI::ExistingFile)
      ->capture_default_str();
  up->add_option("--data-dir", f.data_dir, "override the data directory");
  up->add_flag("--single-process", f.single_process, "run the nodes as threads of this process");
  up->add_option("--start-timeout", f.start_timeout, "seconds a node has to become healthy")
      ->capture_default_str();
  up->callback([] { ExitCode() = RunUp(f); });

  static std::string status_config = "config/keybridge.yaml", status_data;
  static bool status_json = false;
  auto* status = app.add_subcommand(
      "status", "each node's address, health and counters (exit 0 when all are healthy)");
  status->add_option("--config", status_config, "the YAML configuration file")
      ->check(CLI::ExistingFile)
      ->capture_default_str();
  status->add_option("--data-dir", status_data, "override the data directory");
  status->add_flag("--json", status_json, "print JSON instead of a table");
  status->callback([] { ExitCode() = RunStatus(status_config, status_data, status_json); });
}

}  // namespace kb::app
