// keybridge storage adapter (docs/https.md, "Storage"): a small RAII wrapper over SQLite 3:
// open in WAL mode, prepared statements, transactions, schema migrations by user_version.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace kb::store {

// A prepared statement. Bind indexes start at 1, column indexes at 0. Move-only.
class SqliteStatement {
 public:
  SqliteStatement(SqliteStatement&&) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) noexcept;
  ~SqliteStatement();

  SqliteStatement& Bind(int index, int64_t value);
  SqliteStatement& Bind(int index, std::string_view text);
  SqliteStatement& BindBlob(int index, ByteView blob);
  SqliteStatement& BindNull(int index);

  // Runs one step: true when a row is ready, false when done; kIo (or kConflict for a
  // constraint violation) on failure.
  Result<bool> Step();
  // Steps until done.
  Status Run();
  void Reset();

  int64_t ColumnInt(int index) const;
  std::string ColumnText(int index) const;
  Bytes ColumnBlob(int index) const;
  bool ColumnIsNull(int index) const;

 private:
  friend class SqliteDatabase;
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  Status bind_status_;
};

// One connection. Not thread-safe: callers serialise (the stores hold a mutex). Move-only.
class SqliteDatabase {
 public:
  // Opens or creates path (":memory:" for a private in-memory database), in WAL mode with
  // foreign keys on and a busy timeout, then applies migrations[v..] in one transaction each,
  // where v is the file's PRAGMA user_version; migration i takes the schema to version i + 1.
  // A file whose version is newer than migrations.size() is refused (kUnsupported). A new file
  // gets mode 0600.
  static Result<SqliteDatabase> Open(const std::filesystem::path& path,
                                     const std::vector<std::string>& migrations);

  SqliteDatabase(SqliteDatabase&&) noexcept;
  SqliteDatabase& operator=(SqliteDatabase&&) noexcept;
  ~SqliteDatabase();

  // Runs one or more statements without results.
  Status Exec(std::string_view sql);
  Result<SqliteStatement> Prepare(std::string_view sql);
  // BEGIN IMMEDIATE; body; COMMIT, or ROLLBACK when body fails.
  Status Transaction(const std::function<Status()>& body);

  int64_t UserVersion();
  int64_t Changes() const;
  int64_t LastInsertRowId() const;

 private:
  explicit SqliteDatabase(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

}  // namespace kb::store
