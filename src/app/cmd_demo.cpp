// keybridge demo: runs the story of issue 6 (scripts/demo, docs/stories/) and `keybridge demo
// check`, its end-state table: per client and radio node, the TEKs it holds against the KMF's
// expectation (`kmf expected --json`), by fingerprint; exit 1 when anything differs.
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/commands.h"
#include "app/demo_check.h"
#include "app/node_plan.h"

#ifndef KB_STORY_DIR
#define KB_STORY_DIR "scripts"
#endif

namespace kb::app {
namespace {

namespace fs = std::filesystem;

struct DemoFlags {
  std::string config, kmf_node = "kmf", expected_file, dir;
  std::vector<std::string> nodes;
  bool json = false, story_only = false, short_form = false;
};

std::string SelfExe() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("keybridge") : p.string();
}

// Runs argv (no shell), returns its standard output; its standard error goes to ours.
Result<std::string> Capture(const std::vector<std::string>& argv) {
  int fds[2];
  if (pipe(fds) != 0) return Fail(Error::Io("pipe failed"));
  pid_t pid = fork();
  if (pid < 0) return Fail(Error::Io("fork failed"));
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return Fail(Error::Io(fmt::format("'{} {}' failed", fs::path(argv[0]).filename().string(),
                                      argv.size() > 2 ? argv[1] + " " + argv[2] : argv[1])));
  return out;
}

Result<nlohmann::json> ParseJson(const std::string& text, const std::string& what) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    return Fail(Error::Malformed(what + ": not JSON"));
  }
}

int RunCheck(const DemoFlags& f) {
  auto fail = [](const Error& e) {
    std::fprintf(stderr, "keybridge demo check: %s\n", e.ToString().c_str());
    return 2;
  };
  YAML::Node root;
  try {
    root = YAML::LoadFile(f.config);
  } catch (const YAML::Exception& e) {
    return fail(Error::Malformed(f.config + ": " + e.what()));
  }
  const std::string self = SelfExe();
  // What the KMF expects: its own command (or a saved copy of its output).
  std::string expected_text;
  if (!f.expected_file.empty()) {
    std::ifstream in(f.expected_file);
    if (!in) return fail(Error::NotFound(f.expected_file + ": cannot be read"));
    std::stringstream ss;
    ss << in.rdbuf();
    expected_text = ss.str();
  } else {
    auto out =
        Capture({self, "kmf", "expected", "--json", "--config", f.config, "--node", f.kmf_node});
    if (!out) return fail(out.error());
    expected_text = *out;
  }
  auto expected = ParseJson(expected_text, "kmf expected");
  if (!expected) return fail(expected.error());

  // What each client and radio node holds (running: over its control socket; stopped: its
  // sealed store), through the same command a person would use.
  std::vector<NodeKeys> nodes;
  for (const PlannedNode& n : PlanNodes(root)) {
    if (n.role != "client" && n.role != "radio") continue;
    if (!f.nodes.empty() && std::find(f.nodes.begin(), f.nodes.end(), n.name) == f.nodes.end())
      continue;
    NodeKeys k{n.name, n.role, nullptr, {}};
    auto out = Capture({self, "client", "keys", "--json", "--config", f.config, "--node", n.name});
    if (!out) {
      k.error = out.error().ToString();
    } else if (auto j = ParseJson(*out, "client keys --node " + n.name); !j) {
      k.error = j.error().ToString();
    } else {
      k.report = std::move(*j);
    }
    nodes.push_back(std::move(k));
  }
  auto check = CompareKeys(*expected, nodes);
  if (!check) return fail(check.error());
  if (f.json)
    std::cout << KeyCheckJson(*check).dump(2) << "\n";
  else
    std::cout << FormatKeyCheck(*check);
  return check->all_match() && !check->rows.empty() ? 0 : 1;
}

// The story is a shell script next to the sources (path compiled in); KEYBRIDGE_DEMO_SCRIPTS
// overrides the directory.
int RunStory(const DemoFlags& f) {
  const char* env = std::getenv("KEYBRIDGE_DEMO_SCRIPTS");
  fs::path dir = env ? fs::path(env) : fs::path(KB_STORY_DIR);
  fs::path script = dir / (f.story_only ? "demo-story" : "demo");
  if (!fs::exists(script)) {
    std::fprintf(stderr,
                 "keybridge demo: %s not found (set KEYBRIDGE_DEMO_SCRIPTS to the source tree's "
                 "scripts/ directory)\n",
                 script.c_str());
    return 2;
  }
  if (!f.dir.empty()) setenv("DEMO_DIR", f.dir.c_str(), 1);
  if (f.short_form) setenv("DEMO_SHORT", "1", 1);
  std::string self = SelfExe();
  std::string path = script.string();
  char* args[] = {const_cast<char*>("bash"), path.data(), self.data(), nullptr};
  execv("/bin/bash", args);
  std::perror("keybridge demo: /bin/bash");
  return 2;
}

}  // namespace

void RegisterDemoCommands(CLI::App& app) {
  static DemoFlags f;
  auto* demo = app.add_subcommand(
      "demo",
      "run the story of docs/stories/ with real processes on loopback (what `make demo` runs)");
  demo->add_option("--dir", f.dir, "where the demo writes (default: a new /tmp/keybridge-demo.*)");
  demo->add_flag("--story-only", f.story_only, "skip the short MIKEY-SAKKE walk-through (part 1)");
  demo->add_flag("--short", f.short_form, "fewer users (the form the tests run)");
  auto* check = demo->add_subcommand(
      "check", "per client and radio node: the TEKs it holds vs the KMF's; exit 1 if any differ");
  check->add_option("--config", f.config, "the YAML configuration file")
      ->required()
      ->check(CLI::ExistingFile);
  check->add_option("--kmf-node", f.kmf_node, "the KMF's node name")->capture_default_str();
  check->add_option("--expected", f.expected_file,
                    "read the KMF's expectation from this file (`kmf expected --json` output)");
  check->add_option("--node", f.nodes, "check only these nodes (repeatable)");
  check->add_flag("--json", f.json, "the table as JSON");
  check->callback([] { ExitCode() = RunCheck(f); });
  demo->callback([check] {
    if (check->parsed()) return;
    ExitCode() = RunStory(f);
  });
}

}  // namespace kb::app
