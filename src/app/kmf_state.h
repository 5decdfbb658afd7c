// keybridge kmf and serve --role kmf: the KMF state directory (kmf.db, SQLite with keys sealed
// under storage.key) shared by the running role and the CLI (docs/kmf.md "Network face").
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "core/error.h"
#include "store/sqlite_kmf_store.h"

namespace kb::app {

// The state directory a node of role kmf uses, from the configuration file: nodes.<node>.state
// (relative to data_dir) or data_dir/<node>, where data_dir is resolved as `serve` does.
Result<std::filesystem::path> KmfStateDirFromConfig(const std::string& config_file,
                                                    const std::string& node);

// Opens the state directory; with create, makes it (0700) and its storage key (0600) first
// when missing.
Result<std::unique_ptr<store::SqliteKmfStore>> OpenKmfState(const std::filesystem::path& dir,
                                                            bool create);

}  // namespace kb::app
