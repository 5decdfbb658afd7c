// keybridge storage adapter: the SQLite 3 backend (connection, statements, transactions).
#include "store/sqlite_database.h"

#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <utility>

namespace kb::store {
namespace {

Error SqliteError(sqlite3* db, std::string_view what) {
  int code = db != nullptr ? sqlite3_extended_errcode(db) : SQLITE_ERROR;
  std::string msg =
      fmt::format("SQLite {}: {}", what, db != nullptr ? sqlite3_errmsg(db) : "no connection");
  if ((code & 0xff) == SQLITE_CONSTRAINT) return Error::Conflict(std::move(msg));
  return Error::Io(std::move(msg));
}

class SqliteStatementImpl final : public StatementImpl {
 public:
  SqliteStatementImpl(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~SqliteStatementImpl() override { sqlite3_finalize(stmt_); }
  SqliteStatementImpl(const SqliteStatementImpl&) = delete;
  SqliteStatementImpl& operator=(const SqliteStatementImpl&) = delete;

  Status Bind(int index, int64_t value) override {
    return Check(sqlite3_bind_int64(stmt_, index, value));
  }
  Status Bind(int index, std::string_view text) override {
    return Check(sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                                   SQLITE_TRANSIENT));
  }
  Status BindBlob(int index, ByteView blob) override {
    // An empty blob is bound as a zero-length blob, not as NULL.
    return Check(sqlite3_bind_blob(stmt_, index, blob.empty() ? "" : (const void*)blob.data(),
                                   static_cast<int>(blob.size()), SQLITE_TRANSIENT));
  }
  Status BindNull(int index) override { return Check(sqlite3_bind_null(stmt_, index)); }

  Result<bool> Step() override {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    Error e = SqliteError(db_, "step");
    sqlite3_reset(stmt_);
    return Fail(std::move(e));
  }
  void Reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  int64_t ColumnInt(int index) const override { return sqlite3_column_int64(stmt_, index); }
  std::string ColumnText(int index) const override {
    const unsigned char* p = sqlite3_column_text(stmt_, index);
    int n = sqlite3_column_bytes(stmt_, index);
    return p == nullptr ? std::string()
                        : std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
  }
  Bytes ColumnBlob(int index) const override {
    const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, index));
    int n = sqlite3_column_bytes(stmt_, index);
    return p == nullptr ? Bytes() : Bytes(p, p + n);
  }
  bool ColumnIsNull(int index) const override {
    return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
  }

 private:
  Status Check(int rc) {
    if (rc != SQLITE_OK) return Fail(SqliteError(db_, "bind"));
    return Ok();
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

}  // namespace

SqliteDatabase::SqliteDatabase(SqliteDatabase&& o) noexcept : db_(std::exchange(o.db_, nullptr)) {}

SqliteDatabase& SqliteDatabase::operator=(SqliteDatabase&& o) noexcept {
  if (this != &o) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(o.db_, nullptr);
  }
  return *this;
}

SqliteDatabase::~SqliteDatabase() { sqlite3_close_v2(db_); }

Result<SqliteDatabase> SqliteDatabase::Open(const std::filesystem::path& path,
                                            const std::vector<std::string>& migrations) {
  sqlite3* raw = nullptr;
  bool memory = path == ":memory:";
  std::error_code ec;
  bool existed = memory || std::filesystem::exists(path, ec);
  mode_t old_mask = umask(077);
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  umask(old_mask);
  SqliteDatabase db(raw);
  if (rc != SQLITE_OK) return Fail(SqliteError(raw, fmt::format("open {}", path.string())));
  if (!existed) chmod(path.c_str(), 0600);
  sqlite3_busy_timeout(raw, 5000);
  KB_CHECK(db.Exec(
      memory
          ? "PRAGMA foreign_keys = ON;"
          : "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"));
  KB_CHECK(Migrate(db, path.string(), migrations));
  return db;
}

Status SqliteDatabase::Exec(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    Error e = SqliteError(db_, "exec");
    sqlite3_free(err);
    return Fail(std::move(e));
  }
  return Ok();
}

Result<Statement> SqliteDatabase::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK) {
    return Fail(SqliteError(db_, "prepare"));
  }
  return Statement(std::make_unique<SqliteStatementImpl>(db_, stmt));
}

Status SqliteDatabase::Begin() { return Exec("BEGIN IMMEDIATE;"); }
Status SqliteDatabase::Commit() { return Exec("COMMIT;"); }
Status SqliteDatabase::Rollback() { return Exec("ROLLBACK;"); }

int64_t SqliteDatabase::UserVersion() {
  auto stmt = Prepare("PRAGMA user_version;");
  if (!stmt) return -1;
  auto row = stmt->Step();
  return row && *row ? stmt->ColumnInt(0) : -1;
}

Status SqliteDatabase::SetUserVersion(int64_t version) {
  return Exec(fmt::format("PRAGMA user_version = {};", version));
}

int64_t SqliteDatabase::Changes() const { return sqlite3_changes64(db_); }

int64_t SqliteDatabase::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

}  // namespace kb::store
