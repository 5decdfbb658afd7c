// keybridge storage adapter: SQLite 3 connection, statements, transactions and migrations.
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

}  // namespace

SqliteStatement::SqliteStatement(SqliteStatement&& o) noexcept
    : db_(std::exchange(o.db_, nullptr)),
      stmt_(std::exchange(o.stmt_, nullptr)),
      bind_status_(std::move(o.bind_status_)) {}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(stmt_);
    db_ = std::exchange(o.db_, nullptr);
    stmt_ = std::exchange(o.stmt_, nullptr);
    bind_status_ = std::move(o.bind_status_);
  }
  return *this;
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

SqliteStatement& SqliteStatement::Bind(int index, int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK && bind_status_)
    bind_status_ = Fail(SqliteError(db_, "bind"));
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, std::string_view text) {
  if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK &&
      bind_status_) {
    bind_status_ = Fail(SqliteError(db_, "bind"));
  }
  return *this;
}

SqliteStatement& SqliteStatement::BindBlob(int index, ByteView blob) {
  if (sqlite3_bind_blob(stmt_, index, blob.data(), static_cast<int>(blob.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK &&
      bind_status_) {
    bind_status_ = Fail(SqliteError(db_, "bind"));
  }
  return *this;
}

SqliteStatement& SqliteStatement::BindNull(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK && bind_status_)
    bind_status_ = Fail(SqliteError(db_, "bind"));
  return *this;
}

Result<bool> SqliteStatement::Step() {
  if (!bind_status_) return Fail(bind_status_.error());
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Fail(SqliteError(db_, "step"));
}

Status SqliteStatement::Run() {
  for (;;) {
    KB_TRY(bool row, Step());
    if (!row) return Ok();
  }
}

void SqliteStatement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_status_ = Ok();
}

int64_t SqliteStatement::ColumnInt(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string SqliteStatement::ColumnText(int index) const {
  const unsigned char* p = sqlite3_column_text(stmt_, index);
  int n = sqlite3_column_bytes(stmt_, index);
  return p == nullptr ? std::string()
                      : std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
}

Bytes SqliteStatement::ColumnBlob(int index) const {
  const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, index));
  int n = sqlite3_column_bytes(stmt_, index);
  return p == nullptr ? Bytes() : Bytes(p, p + n);
}

bool SqliteStatement::ColumnIsNull(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

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
  int64_t version = db.UserVersion();
  if (version < 0 || static_cast<uint64_t>(version) > migrations.size()) {
    return Fail(
        Error::Unsupported(fmt::format("{}: schema version {} is newer than this keybridge ({})",
                                       path.string(), version, migrations.size())));
  }
  for (size_t i = static_cast<size_t>(version); i < migrations.size(); ++i) {
    auto migrate = [&]() -> Status {
      KB_CHECK(db.Exec(migrations[i]));
      return db.Exec(fmt::format("PRAGMA user_version = {};", i + 1));
    };
    KB_CHECK(db.Transaction(migrate));
  }
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

Result<SqliteStatement> SqliteDatabase::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK) {
    return Fail(SqliteError(db_, "prepare"));
  }
  return SqliteStatement(db_, stmt);
}

Status SqliteDatabase::Transaction(const std::function<Status()>& body) {
  KB_CHECK(Exec("BEGIN IMMEDIATE;"));
  Status st = body();
  if (!st) {
    (void)Exec("ROLLBACK;");
    return st;
  }
  Status commit = Exec("COMMIT;");
  if (!commit) (void)Exec("ROLLBACK;");
  return commit;
}

int64_t SqliteDatabase::UserVersion() {
  auto stmt = Prepare("PRAGMA user_version;");
  if (!stmt) return -1;
  auto row = stmt->Step();
  return row && *row ? stmt->ColumnInt(0) : -1;
}

int64_t SqliteDatabase::Changes() const { return sqlite3_changes64(db_); }

int64_t SqliteDatabase::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

}  // namespace kb::store
