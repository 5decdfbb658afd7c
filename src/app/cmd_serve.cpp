// keybridge serve --role ROLE --config FILE [--node NAME]: run one network function.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>

#include "app/commands.h"
#include "app/roles.h"
#include "capture/pcap_tap.h"

namespace kb::app {
namespace {

struct ServeFlags {
  std::string role, config, node, data_dir, capture;
};

int RunServe(const ServeFlags& f) {
  const Role* role = nullptr;
  for (const auto& r : Roles()) {
    if (r.name == f.role) role = &r;
  }
  if (role == nullptr) {
    std::string names;
    for (const auto& r : Roles()) names += (names.empty() ? "" : ", ") + r.name;
    std::fprintf(stderr, "keybridge: unknown role '%s' (roles: %s)\n", f.role.c_str(),
                 names.c_str());
    return 2;
  }
  RoleContext ctx;
  ctx.role = f.role;
  ctx.node = f.node.empty() ? f.role : f.node;
  try {
    ctx.root = YAML::LoadFile(f.config);
  } catch (const YAML::Exception& e) {
    std::fprintf(stderr, "keybridge: %s: %s\n", f.config.c_str(), e.what());
    return 2;
  }
  ctx.config = ctx.root["nodes"][ctx.node];
  if (!ctx.config) {
    std::fprintf(stderr, "keybridge: %s: no section nodes.%s\n", f.config.c_str(),
                 ctx.node.c_str());
    return 2;
  }
  std::filesystem::path data = f.data_dir;
  if (data.empty()) {
    data = ctx.root["data_dir"] ? ctx.root["data_dir"].as<std::string>() : std::string("data");
    if (data.is_relative()) data = std::filesystem::path(f.config).parent_path() / data;
  }
  ctx.data_dir = data / ctx.node;
  std::error_code ec;
  std::filesystem::create_directories(ctx.data_dir, ec);
  if (ec) {
    std::fprintf(stderr, "keybridge: cannot create %s: %s\n", ctx.data_dir.c_str(),
                 ec.message().c_str());
    return 2;
  }
  // The signalling capture (docs/capture.md): --capture, else the top-level `capture:` key
  // (relative to data_dir); every node of a system may append to the same file.
  std::string capture = f.capture;
  if (capture.empty() && ctx.root["capture"]) {
    std::filesystem::path p = ctx.root["capture"].as<std::string>();
    capture = (p.is_relative() ? data / p : p).string();
  }
  if (!capture.empty()) {
    auto tap = capture::PcapTap::Open(capture);
    if (!tap) {
      std::fprintf(stderr, "keybridge: %s\n", tap.error().ToString().c_str());
      return 2;
    }
    capture::SetGlobalTap(std::shared_ptr<capture::PcapTap>(std::move(*tap)));
  }
  static std::atomic<bool> stop{false};
  InstallStopSignals(&stop);
  ctx.stop = &stop;
  spdlog::set_pattern(fmt::format("%H:%M:%S.%e {} %^%l%$ %v", ctx.node));
  return role->run(ctx);
}

}  // namespace

void RegisterServeCommands(CLI::App& app) {
  static ServeFlags f;
  auto* serve = app.add_subcommand("serve", "run one network function until SIGTERM");
  serve->add_option("--role", f.role, "kms, idms, cms, mcserver, iwf, kmf, client, radio ...")
      ->required();
  serve->add_option("--config", f.config, "the YAML configuration file")
      ->required()
      ->check(CLI::ExistingFile);
  serve->add_option("--node", f.node, "the node's name in the configuration (default: the role)");
  serve->add_option("--data-dir", f.data_dir, "override the data directory");
  serve->add_option("--capture", f.capture,
                    "append the signalling this node sends to a pcap file (docs/capture.md)");
  serve->callback([] { ExitCode() = RunServe(f); });
}

}  // namespace kb::app
