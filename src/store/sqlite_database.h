// keybridge storage adapter (docs/storage.md): the SQLite 3 backend of store::Database — one
// file in WAL mode, foreign keys on, schema version in PRAGMA user_version.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.h"

struct sqlite3;

namespace kb::store {

// The statement type of earlier code; every backend's statements are store::Statement.
using SqliteStatement = Statement;

// One SQLite connection. Not thread-safe: callers serialise. Move-only.
class SqliteDatabase final : public Database {
 public:
  // Opens or creates path (":memory:" for a private in-memory database), in WAL mode with
  // foreign keys on and a busy timeout, then applies the migrations (store::Migrate). A new
  // file gets mode 0600.
  static Result<SqliteDatabase> Open(const std::filesystem::path& path,
                                     const std::vector<std::string>& migrations);

  SqliteDatabase(SqliteDatabase&&) noexcept;
  SqliteDatabase& operator=(SqliteDatabase&&) noexcept;
  ~SqliteDatabase() override;

  Backend backend() const override { return Backend::kSqlite; }
  Status Exec(std::string_view sql) override;
  Result<Statement> Prepare(std::string_view sql) override;
  Status Begin() override;
  Status Commit() override;
  Status Rollback() override;
  int64_t UserVersion() override;
  Status SetUserVersion(int64_t version) override;
  int64_t Changes() const override;
  int64_t LastInsertRowId() const override;

 private:
  struct Cache;
  explicit SqliteDatabase(sqlite3* db);
  sqlite3* db_ = nullptr;
  std::unique_ptr<Cache> cache_;
};

}  // namespace kb::store
