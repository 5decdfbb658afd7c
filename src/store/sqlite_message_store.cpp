// TS 23.283 clause 10.12 relay: the MC service server's message store on store::Database, SQLite
// or PostgreSQL (docs/mc-server.md, "Store and forward").
#include "store/sqlite_message_store.h"

#include <fmt/format.h>

#include "store/sqlite_database.h"

namespace kb::store {
namespace {

// Portable SQL (SQLite and PostgreSQL): seq is assigned by the store, not by the database.
const std::vector<std::string> kMigrations = {
    "CREATE TABLE mc_messages ("
    "  seq INTEGER PRIMARY KEY,"
    "  target TEXT NOT NULL,"
    "  sender TEXT NOT NULL,"
    "  message_id BLOB NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  payload_length INTEGER NOT NULL,"
    "  body BLOB,"
    "  delivered INTEGER NOT NULL DEFAULT 0,"
    "  UNIQUE (target, message_id));"
    "CREATE INDEX mc_messages_pending ON mc_messages (delivered, target, seq);",
};

mc_server::StoredMessage Row(const Statement& s) {
  mc_server::StoredMessage m;
  m.seq = s.ColumnInt(0);
  m.target = s.ColumnText(1);
  m.sender = s.ColumnText(2);
  Bytes id = s.ColumnBlob(3);
  std::copy_n(id.begin(), std::min(id.size(), m.message_id.size()), m.message_id.begin());
  m.kind = s.ColumnText(4);
  m.payload_length = static_cast<uint32_t>(s.ColumnInt(5));
  m.body = s.ColumnBlob(6);
  return m;
}

}  // namespace

const std::vector<std::string>& SqliteMessageStore::Migrations() { return kMigrations; }

Result<std::unique_ptr<SqliteMessageStore>> SqliteMessageStore::Open(
    const std::filesystem::path& path) {
  KB_TRY(SqliteDatabase db, SqliteDatabase::Open(path, kMigrations));
  return Open(std::make_unique<SqliteDatabase>(std::move(db)));
}

Result<std::unique_ptr<SqliteMessageStore>> SqliteMessageStore::Open(
    const StorageOptions& storage) {
  KB_TRY(auto db, OpenDatabase(storage, "mc-messages", kMigrations));
  return Open(std::move(db));
}

Result<std::unique_ptr<SqliteMessageStore>> SqliteMessageStore::Open(std::unique_ptr<Database> db) {
  std::unique_ptr<SqliteMessageStore> s(new SqliteMessageStore(std::move(db)));
  KB_TRY(auto max, s->db_->Prepare("SELECT MAX(seq) FROM mc_messages"));
  KB_TRY(bool row, max.Step());
  if (row && !max.ColumnIsNull(0)) s->next_seq_ = max.ColumnInt(0) + 1;
  KB_TRY(s->insert_,
         s->db_->Prepare("INSERT INTO mc_messages (seq, target, sender, message_id, kind, "
                         "payload_length, body, delivered) VALUES (?, ?, ?, ?, ?, ?, ?, 0) "
                         "ON CONFLICT (target, message_id) DO NOTHING"));
  KB_TRY(s->mark_, s->db_->Prepare("UPDATE mc_messages SET delivered = 1, body = NULL "
                                   "WHERE seq = ?"));
  return s;
}

Result<std::vector<bool>> SqliteMessageStore::Append(std::span<mc_server::StoredMessage> messages) {
  std::vector<bool> fresh(messages.size(), false);
  int64_t seq = next_seq_;
  Status committed = db_->Transaction([&]() -> Status {
    for (size_t i = 0; i < messages.size(); ++i) {
      const auto& m = messages[i];
      insert_->Reset();
      insert_->Bind(1, seq)
          .Bind(2, m.target)
          .Bind(3, m.sender)
          .BindBlob(4, m.message_id)
          .Bind(5, m.kind)
          .Bind(6, int64_t{m.payload_length})
          .BindBlob(7, m.body);
      KB_CHECK(insert_->Run());
      if (db_->Changes() == 1) {
        fresh[i] = true;
        ++seq;
      }
    }
    return Ok();
  });
  if (!committed) return Fail(committed.error());
  // Only now, after the commit, are the sequence numbers handed out.
  int64_t s = next_seq_;
  for (size_t i = 0; i < messages.size(); ++i) {
    if (fresh[i]) messages[i].seq = s++;
  }
  next_seq_ = seq;
  return fresh;
}

Result<std::vector<mc_server::StoredMessage>> SqliteMessageStore::Pending(std::string_view target,
                                                                          size_t limit) {
  KB_TRY(auto q, db_->Prepare("SELECT seq, target, sender, message_id, kind, payload_length, body "
                              "FROM mc_messages WHERE delivered = 0 AND target = ? "
                              "ORDER BY seq LIMIT ?"));
  q.Bind(1, target).Bind(2, static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)));
  std::vector<mc_server::StoredMessage> out;
  while (true) {
    KB_TRY(bool row, q.Step());
    if (!row) break;
    out.push_back(Row(q));
  }
  return out;
}

Result<std::vector<std::string>> SqliteMessageStore::PendingTargets() {
  KB_TRY(auto q, db_->Prepare("SELECT DISTINCT target FROM mc_messages WHERE delivered = 0 "
                              "ORDER BY target"));
  std::vector<std::string> out;
  while (true) {
    KB_TRY(bool row, q.Step());
    if (!row) break;
    out.push_back(q.ColumnText(0));
  }
  return out;
}

Result<size_t> SqliteMessageStore::PendingCount() {
  KB_TRY(auto q, db_->Prepare("SELECT COUNT(*) FROM mc_messages WHERE delivered = 0"));
  KB_TRY(bool row, q.Step());
  return row ? static_cast<size_t>(q.ColumnInt(0)) : 0;
}

Status SqliteMessageStore::MarkDelivered(std::span<const int64_t> seqs) {
  return db_->Transaction([&]() -> Status {
    for (int64_t s : seqs) {
      mark_->Reset();
      mark_->Bind(1, s);
      KB_CHECK(mark_->Run());
    }
    return Ok();
  });
}

Status SqliteMessageStore::Prune(size_t keep) {
  KB_TRY(auto q, db_->Prepare("DELETE FROM mc_messages WHERE delivered = 1 AND seq <= ("
                              "SELECT seq FROM mc_messages WHERE delivered = 1 "
                              "ORDER BY seq DESC LIMIT 1 OFFSET ?)"));
  q.Bind(1, static_cast<int64_t>(keep));
  return q.Run();
}

}  // namespace kb::store
