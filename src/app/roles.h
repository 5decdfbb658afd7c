// keybridge serve --role ROLE --config FILE: the network functions a process can run.
//
// Each role is one network function (KMS, IdMS, CMS, MC service server, IWF, KMF, client,
// radio...). Its Run function reads its section of the YAML configuration, opens its storage and
// sockets, serves until a stop is requested (SIGTERM or SIGINT), then closes cleanly and returns
// the exit code. A role never logs key material.
#pragma once

#include <yaml-cpp/yaml.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace kb::app {

struct RoleContext {
  std::string role;                         // e.g. "kms"
  std::string node;                         // the node's name in the configuration (default: role)
  YAML::Node config;                        // the node's section: nodes.<node>
  YAML::Node root;                          // the whole file (addresses of the other nodes)
  std::filesystem::path data_dir;           // root data_dir / node, created before Run
  const std::atomic<bool>* stop = nullptr;  // set when SIGTERM/SIGINT arrives
};

struct Role {
  std::string name;
  std::string description;
  std::function<int(const RoleContext&)> run;
};

// Every role this build knows; each role's file adds one entry in roles.cpp.
const std::vector<Role>& Roles();

// The role entry points (role_*.cpp).
int RunIdmsRole(const RoleContext& ctx);
int RunKmsRole(const RoleContext& ctx);
int RunMcServerRole(const RoleContext& ctx);
int RunIwfRole(const RoleContext& ctx);
int RunKmfRole(const RoleContext& ctx);
int RunClientRole(const RoleContext& ctx);
int RunCmsRole(const RoleContext& ctx);
int RunGmsRole(const RoleContext& ctx);
int RunRadioRole(const RoleContext& ctx);

// Installs SIGTERM/SIGINT handlers that set *flag (once per process).
void InstallStopSignals(std::atomic<bool>* flag);

}  // namespace kb::app
