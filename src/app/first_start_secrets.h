// keybridge up (docs/operations.md "First start"): the password files a configuration names.
//
// The example configuration refers to accounts by password_file (the IdMS, the MC service
// server's registrar and the SIP user agents read the same files). On a first start none exist,
// so `keybridge up` creates each missing one with a fresh random password, readable only by its
// owner, before any node starts. Existing files are never touched. Passwords are never printed.
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <vector>

#include "core/error.h"

namespace kb::app {

// Every `password_file:` value anywhere under nodes (relative paths are relative to data_root)
// that does not exist yet is created: 24 random base64url characters and a newline, mode 0600,
// its directory created mode 0700 when missing. Returns the files created.
Result<std::vector<std::filesystem::path>> CreateMissingPasswordFiles(
    const YAML::Node& nodes, const std::filesystem::path& data_root);

}  // namespace kb::app
