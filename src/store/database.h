// keybridge storage adapter (docs/storage.md): one SQL API over SQLite 3 and PostgreSQL — prepared
// statements with `?` placeholders, rows, transactions and schema migrations.
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

namespace kb::store {

// What a backend's statement does; Statement forwards to it. Backends implement it.
class StatementImpl {
 public:
  virtual ~StatementImpl() = default;
  virtual Status Bind(int index, int64_t value) = 0;
  virtual Status Bind(int index, std::string_view text) = 0;
  virtual Status BindBlob(int index, ByteView blob) = 0;
  virtual Status BindNull(int index) = 0;
  virtual Result<bool> Step() = 0;
  virtual void Reset() = 0;
  virtual int64_t ColumnInt(int index) const = 0;
  virtual std::string ColumnText(int index) const = 0;
  virtual Bytes ColumnBlob(int index) const = 0;
  virtual bool ColumnIsNull(int index) const = 0;
};

// A prepared statement. Bind indexes start at 1 (`?N` in the SQL; a bare `?` takes the next
// index), column indexes at 0. A bind error is kept and returned by the next Step/Run. Move-only;
// must not outlive its Database.
class Statement {
 public:
  explicit Statement(std::unique_ptr<StatementImpl> impl) : impl_(std::move(impl)) {}
  Statement(Statement&&) noexcept = default;
  Statement& operator=(Statement&&) noexcept = default;
  ~Statement() = default;

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, std::string_view text);
  Statement& BindBlob(int index, ByteView blob);
  Statement& BindNull(int index);

  // Runs one step: true when a row is ready, false when done; kIo (or kConflict for a
  // constraint violation) on failure.
  Result<bool> Step();
  // Steps until done.
  Status Run();
  // Back to before the first Step, bindings cleared.
  void Reset();

  // The current row's columns. A NULL reads as 0, "" or no bytes.
  int64_t ColumnInt(int index) const { return impl_->ColumnInt(index); }
  std::string ColumnText(int index) const { return impl_->ColumnText(index); }
  Bytes ColumnBlob(int index) const { return impl_->ColumnBlob(index); }
  bool ColumnIsNull(int index) const { return impl_->ColumnIsNull(index); }

 private:
  void Keep(Status st);
  std::unique_ptr<StatementImpl> impl_;
  Status bind_status_;
};

enum class Backend { kSqlite, kPostgresql };
std::string_view BackendName(Backend b);

// One connection to one database (SQLite: one file; PostgreSQL: one schema of one database).
// Not thread-safe: callers serialise (the stores hold a mutex). Every SQL text goes through the
// backend's dialect mapping (docs/storage.md): write SQLite-style portable SQL.
class Database {
 public:
  virtual ~Database() = default;

  virtual Backend backend() const = 0;

  // Runs one or more statements without results or parameters.
  virtual Status Exec(std::string_view sql) = 0;
  virtual Result<Statement> Prepare(std::string_view sql) = 0;

  // An explicit write transaction. Begin takes the database's single writer lock (SQLite BEGIN
  // IMMEDIATE; PostgreSQL BEGIN + an advisory lock on the schema), so two handles never
  // interleave transactions. A failed statement inside a transaction leaves it usable.
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;
  // Begin; body; Commit, or Rollback when body (or the commit) fails.
  Status Transaction(const std::function<Status()>& body);

  // The schema version reached by the migrations (0 for a new database), -1 on error.
  virtual int64_t UserVersion() = 0;
  // Records the schema version (migrations and tests only).
  virtual Status SetUserVersion(int64_t version) = 0;
  // Rows changed by the last INSERT/UPDATE/DELETE on this handle.
  virtual int64_t Changes() const = 0;
  // The id given to the last row inserted into an AUTOINCREMENT table on this handle.
  virtual int64_t LastInsertRowId() const = 0;
};

// Applies migrations[v..] to db, v = db.UserVersion(), each in its own transaction (so two
// processes opening one database at once migrate it once). `what` names the database in errors.
Status Migrate(Database& db, std::string_view what, const std::vector<std::string>& migrations);

// Where a node's databases live (the `storage:` section of a node; docs/storage.md).
struct StorageOptions {
  Backend backend = Backend::kSqlite;
  std::filesystem::path dir;  // SQLite: dir/<name>.sqlite
  std::string url;            // PostgreSQL: postgresql://user@host:port/db?... (libpq syntax)
  std::string schema;         // PostgreSQL: the schema holding this node's tables
};

// Opens the database `name` (e.g. "kms") of a node and applies migrations[v..] in one
// transaction each, v being its current version; migration i takes the schema to version i + 1.
// A database whose version is newer than migrations.size() is refused (kUnsupported).
Result<std::unique_ptr<Database>> OpenDatabase(const StorageOptions& options, std::string_view name,
                                               const std::vector<std::string>& migrations);

}  // namespace kb::store
