// RFC 3261 10.3 registrations of the MC service server on store::Database (SQLite or
// PostgreSQL): one row per (AOR, contact), replaced per AOR in one transaction.
#include "store/mc_registration_store.h"

#include "store/sqlite_database.h"

namespace kb::store {
namespace {

const std::vector<std::string> kMigrations = {
    "CREATE TABLE mc_registration ("
    "  aor TEXT NOT NULL,"
    "  contact TEXT NOT NULL,"
    "  call_id TEXT NOT NULL,"
    "  cseq INTEGER NOT NULL,"
    "  transport TEXT NOT NULL,"
    "  source_host TEXT NOT NULL,"
    "  source_port INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  PRIMARY KEY (aor, contact));",
};

}  // namespace

const std::vector<std::string>& McRegistrationStore::Migrations() { return kMigrations; }

Result<std::unique_ptr<McRegistrationStore>> McRegistrationStore::Open(
    const StorageOptions& storage) {
  KB_TRY(auto db, OpenDatabase(storage, "mc-registrations", kMigrations));
  return Open(std::move(db));
}

Result<std::unique_ptr<McRegistrationStore>> McRegistrationStore::Open(
    const std::filesystem::path& path) {
  KB_TRY(SqliteDatabase db, SqliteDatabase::Open(path, kMigrations));
  return Open(std::make_unique<SqliteDatabase>(std::move(db)));
}

Result<std::unique_ptr<McRegistrationStore>> McRegistrationStore::Open(
    std::unique_ptr<Database> db) {
  return std::unique_ptr<McRegistrationStore>(new McRegistrationStore(std::move(db)));
}

Status McRegistrationStore::Replace(std::string_view aor,
                                    std::span<const mc_server::StoredBinding> bindings) {
  std::lock_guard lock(mu_);
  return db_->Transaction([&]() -> Status {
    KB_TRY(auto del, db_->Prepare("DELETE FROM mc_registration WHERE aor = ?1"));
    del.Bind(1, aor);
    KB_CHECK(del.Run());
    for (const auto& b : bindings) {
      KB_TRY(auto ins, db_->Prepare("INSERT INTO mc_registration (aor, contact, call_id, cseq, "
                                    "transport, source_host, source_port, expires_at) VALUES "
                                    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
      ins.Bind(1, aor).Bind(2, b.contact).Bind(3, b.call_id).Bind(4, int64_t{b.cseq});
      ins.Bind(5, b.flow.transport == net::Transport::kTcp ? "tcp" : "udp");
      ins.Bind(6, b.flow.host).Bind(7, int64_t{b.flow.port}).Bind(8, b.expires_at);
      KB_CHECK(ins.Run());
    }
    return Ok();
  });
}

Result<std::vector<mc_server::StoredBinding>> McRegistrationStore::Load(int64_t now) {
  std::lock_guard lock(mu_);
  KB_TRY(auto del, db_->Prepare("DELETE FROM mc_registration WHERE expires_at <= ?1"));
  del.Bind(1, now);
  KB_CHECK(del.Run());
  KB_TRY(auto q, db_->Prepare("SELECT aor, contact, call_id, cseq, transport, source_host, "
                              "source_port, expires_at FROM mc_registration "
                              "ORDER BY aor, contact"));
  std::vector<mc_server::StoredBinding> out;
  for (;;) {
    KB_TRY(bool row, q.Step());
    if (!row) break;
    mc_server::StoredBinding b;
    b.aor = q.ColumnText(0);
    b.contact = q.ColumnText(1);
    b.call_id = q.ColumnText(2);
    b.cseq = static_cast<uint32_t>(q.ColumnInt(3));
    b.flow.transport = q.ColumnText(4) == "tcp" ? net::Transport::kTcp : net::Transport::kUdp;
    b.flow.host = q.ColumnText(5);
    b.flow.port = static_cast<uint16_t>(q.ColumnInt(6));
    b.expires_at = q.ColumnInt(7);
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace kb::store
