// keybridge storage adapter: the SQLite 3 backend (connection, statements, transactions).
#include "store/sqlite_database.h"

#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <memory>
#include <unordered_map>
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

// The state of a cached statement, shared by the cache and the Statement using it.
struct SlotState {
  bool in_use = false;
  bool orphaned = false;  // the database closed while in use: the user finalises it
};

class SqliteStatementImpl final : public StatementImpl {
 public:
  // slot: set when stmt is a cached statement (reset and handed back on destruction), nullptr
  // for a statement of its own (finalised).
  SqliteStatementImpl(sqlite3* db, sqlite3_stmt* stmt, std::shared_ptr<SlotState> slot)
      : db_(db), stmt_(stmt), slot_(std::move(slot)) {}
  ~SqliteStatementImpl() override {
    if (slot_ && !slot_->orphaned) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
      slot_->in_use = false;
    } else {
      sqlite3_finalize(stmt_);
    }
  }
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
  std::shared_ptr<SlotState> slot_;
};

}  // namespace

// Prepared statements by SQL text, reused while the connection lives.
struct SqliteDatabase::Cache {
  struct Slot {
    sqlite3_stmt* stmt = nullptr;
    std::shared_ptr<SlotState> state = std::make_shared<SlotState>();
  };
  std::unordered_map<std::string, Slot> slots;
  // Before the connection closes (sqlite3_close_v2 waits for statements still in use).
  void Clear() {
    for (auto& [sql, slot] : slots) {
      if (slot.state->in_use) {
        slot.state->orphaned = true;
      } else {
        sqlite3_finalize(slot.stmt);
      }
    }
    slots.clear();
  }
};

SqliteDatabase::SqliteDatabase(sqlite3* db) : db_(db), cache_(std::make_unique<Cache>()) {}

SqliteDatabase::SqliteDatabase(SqliteDatabase&& o) noexcept
    : db_(std::exchange(o.db_, nullptr)), cache_(std::move(o.cache_)) {}

SqliteDatabase& SqliteDatabase::operator=(SqliteDatabase&& o) noexcept {
  if (this != &o) {
    if (cache_) cache_->Clear();
    sqlite3_close_v2(db_);
    db_ = std::exchange(o.db_, nullptr);
    cache_ = std::move(o.cache_);
  }
  return *this;
}

SqliteDatabase::~SqliteDatabase() {
  if (cache_) cache_->Clear();
  sqlite3_close_v2(db_);
}

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
  std::string key(sql);
  auto it = cache_->slots.find(key);
  if (it != cache_->slots.end() && !it->second.state->in_use) {
    it->second.state->in_use = true;
    return Statement(std::make_unique<SqliteStatementImpl>(db_, it->second.stmt, it->second.state));
  }
  sqlite3_stmt* stmt = nullptr;
  bool cache = it == cache_->slots.end();
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                         cache ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr) != SQLITE_OK) {
    return Fail(SqliteError(db_, "prepare"));
  }
  if (!cache || stmt == nullptr) {
    // The same text is already in use (a nested query), or the text held no statement.
    return Statement(std::make_unique<SqliteStatementImpl>(db_, stmt, nullptr));
  }
  Cache::Slot& slot = cache_->slots[key];
  slot.stmt = stmt;
  slot.state->in_use = true;
  return Statement(std::make_unique<SqliteStatementImpl>(db_, stmt, slot.state));
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
