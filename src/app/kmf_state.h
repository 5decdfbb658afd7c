// keybridge kmf and serve --role kmf: the KMF state directory (kmf.db, SQLite with keys sealed
// under storage.key, or the node's PostgreSQL schema) shared by the running role and the CLI
// (docs/kmf.md "Network face").
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "core/error.h"
#include "store/sqlite_kmf_store.h"

namespace kb::app {

// The state directory a node of role kmf uses, from the configuration file: nodes.<node>.state
// (relative to data_dir) or data_dir/<node>, where data_dir is resolved as `serve` does.
Result<std::filesystem::path> KmfStateDirFromConfig(const std::string& config_file,
                                                    const std::string& node);

// The node's PostgreSQL storage when its `storage:` section (or the top-level one) selects
// PostgreSQL (docs/storage.md); nullopt: SQLite, kmf.db in the state directory.
Result<std::optional<store::StorageOptions>> KmfPostgresStorage(const std::string& config_file,
                                                                const std::string& node);

// Opens the state directory; with create, makes it (0700) and its storage key (0600) first
// when missing. The key database is kmf.db there, or the PostgreSQL storage when given (the
// storage key always stays in the state directory: the database never holds it).
Result<std::unique_ptr<store::SqliteKmfStore>> OpenKmfState(
    const std::filesystem::path& dir, bool create,
    const std::optional<store::StorageOptions>& postgres = std::nullopt);

}  // namespace kb::app
