// TS 23.283 10.12 IWF outbox on store::Database, SQLite or PostgreSQL (docs/iwf.md "Durability").
#include "store/sqlite_iwf_outbox.h"

#include <fmt/format.h>

#include <algorithm>

#include "store/sqlite_database.h"

namespace kb::store {
namespace {

// seq: AUTOINCREMENT (BIGSERIAL on PostgreSQL). Files made before the PostgreSQL port have
// `seq INTEGER PRIMARY KEY` (SQLite's rowid), which also assigns increasing numbers (it may
// reuse the highest one after a purge, which nothing here depends on).
const std::vector<std::string> kMigrations = {
    "CREATE TABLE iwf_outbox ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  direction INTEGER NOT NULL,"
    "  message_id BLOB NOT NULL,"
    "  mc_service_id TEXT NOT NULL,"
    "  rsi INTEGER NOT NULL,"
    "  lmr_type INTEGER NOT NULL,"
    "  kmm BLOB NOT NULL,"
    "  state INTEGER NOT NULL,"
    "  attempts INTEGER NOT NULL,"
    "  created_ms INTEGER NOT NULL,"
    "  next_attempt_ms INTEGER NOT NULL,"
    "  finished_ms INTEGER NOT NULL,"
    "  UNIQUE (direction, message_id));",
};

}  // namespace

const std::vector<std::string>& SqliteIwfOutbox::Migrations() { return kMigrations; }

Result<std::unique_ptr<SqliteIwfOutbox>> SqliteIwfOutbox::Open(const std::filesystem::path& path) {
  KB_TRY(SqliteDatabase db, SqliteDatabase::Open(path, kMigrations));
  return Open(std::make_unique<SqliteDatabase>(std::move(db)));
}

Result<std::unique_ptr<SqliteIwfOutbox>> SqliteIwfOutbox::Open(const StorageOptions& storage) {
  KB_TRY(auto db, OpenDatabase(storage, "iwf-outbox", kMigrations));
  return Open(std::move(db));
}

Result<std::unique_ptr<SqliteIwfOutbox>> SqliteIwfOutbox::Open(std::unique_ptr<Database> db) {
  return std::unique_ptr<SqliteIwfOutbox>(new SqliteIwfOutbox(std::move(db)));
}

Result<bool> SqliteIwfOutbox::Add(iwf::OutboxEntry& e) {
  std::lock_guard lock(mu_);
  // Prepared once: this runs for every relayed message.
  if (!insert_) {
    KB_TRY(insert_, db_->Prepare("INSERT INTO iwf_outbox (direction, message_id, mc_service_id, "
                                 "rsi, lmr_type, kmm, state, attempts, created_ms, "
                                 "next_attempt_ms, finished_ms) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8, ?9, 0)"));
  }
  Statement& stmt = *insert_;
  stmt.Bind(1, int64_t{static_cast<uint8_t>(e.direction)})
      .BindBlob(2, e.message_id)
      .Bind(3, e.mc_service_id)
      .Bind(4, int64_t{e.rsi})
      .Bind(5, int64_t{static_cast<uint8_t>(e.lmr_type)})
      .BindBlob(6, e.kmm)
      .Bind(7, int64_t{e.attempts})
      .Bind(8, e.created_ms)
      .Bind(9, e.next_attempt_ms);
  auto r = stmt.Step();
  stmt.Reset();
  if (!r) {
    if (r.error().kind() == ErrorKind::kConflict) return false;
    return Fail(r.error());
  }
  e.seq = db_->LastInsertRowId();
  e.state = iwf::OutboxState::kPending;
  return true;
}

Result<std::vector<iwf::OutboxEntry>> SqliteIwfOutbox::LoadPending() {
  std::lock_guard lock(mu_);
  KB_TRY(auto stmt, db_->Prepare("SELECT seq, direction, message_id, mc_service_id, rsi, "
                                 "lmr_type, kmm, attempts, created_ms, next_attempt_ms "
                                 "FROM iwf_outbox WHERE state = 0 ORDER BY seq"));
  std::vector<iwf::OutboxEntry> out;
  for (;;) {
    KB_TRY(bool row, stmt.Step());
    if (!row) break;
    iwf::OutboxEntry e;
    e.seq = stmt.ColumnInt(0);
    int64_t dir = stmt.ColumnInt(1);
    if (dir != 1 && dir != 2)
      return Fail(Error::Malformed(fmt::format("iwf_outbox row {}: direction {}", e.seq, dir)));
    e.direction = static_cast<iwf::RelayDirection>(dir);
    Bytes id = stmt.ColumnBlob(2);
    if (id.size() != e.message_id.size())
      return Fail(Error::Malformed(fmt::format("iwf_outbox row {}: message ID size", e.seq)));
    std::copy(id.begin(), id.end(), e.message_id.begin());
    e.mc_service_id = stmt.ColumnText(3);
    e.rsi = static_cast<uint32_t>(stmt.ColumnInt(4));
    e.lmr_type = static_cast<mc::LmrType>(stmt.ColumnInt(5));
    e.kmm = stmt.ColumnBlob(6);
    e.attempts = static_cast<uint32_t>(stmt.ColumnInt(7));
    e.created_ms = stmt.ColumnInt(8);
    e.next_attempt_ms = stmt.ColumnInt(9);
    out.push_back(std::move(e));
  }
  return out;
}

Status SqliteIwfOutbox::Finish(int64_t seq, int64_t now_ms, iwf::OutboxState state) {
  std::lock_guard lock(mu_);
  if (!finish_) {
    KB_TRY(finish_,
           db_->Prepare("UPDATE iwf_outbox SET state = ?1, finished_ms = ?2 WHERE seq = ?3"));
  }
  finish_->Bind(1, int64_t{static_cast<uint8_t>(state)}).Bind(2, now_ms).Bind(3, seq);
  auto st = finish_->Run();
  finish_->Reset();
  KB_CHECK(st);
  if (db_->Changes() != 1) return Fail(Error::NotFound(fmt::format("outbox entry {}", seq)));
  return Ok();
}

Status SqliteIwfOutbox::MarkDelivered(int64_t seq, int64_t now_ms) {
  return Finish(seq, now_ms, iwf::OutboxState::kDelivered);
}

Status SqliteIwfOutbox::MarkFailed(int64_t seq, int64_t now_ms) {
  return Finish(seq, now_ms, iwf::OutboxState::kFailed);
}

Status SqliteIwfOutbox::Reschedule(int64_t seq, uint32_t attempts, int64_t next_attempt_ms) {
  std::lock_guard lock(mu_);
  KB_TRY(auto stmt, db_->Prepare("UPDATE iwf_outbox SET attempts = ?1, next_attempt_ms = ?2 "
                                 "WHERE seq = ?3 AND state = 0"));
  stmt.Bind(1, int64_t{attempts}).Bind(2, next_attempt_ms).Bind(3, seq);
  KB_CHECK(stmt.Run());
  if (db_->Changes() != 1) return Fail(Error::NotFound(fmt::format("outbox entry {}", seq)));
  return Ok();
}

Result<size_t> SqliteIwfOutbox::Purge(int64_t before_ms) {
  std::lock_guard lock(mu_);
  KB_TRY(auto stmt, db_->Prepare("DELETE FROM iwf_outbox WHERE state <> 0 AND finished_ms < ?1"));
  stmt.Bind(1, before_ms);
  KB_CHECK(stmt.Run());
  return static_cast<size_t>(db_->Changes());
}

}  // namespace kb::store
