// GMS storage on store::Database (SQLite or PostgreSQL): groups, members, formed-from lists and
// GMK deliveries.
#include "store/sqlite_gms_store.h"

#include "store/sqlite_database.h"

namespace kb::store {
namespace {

const std::vector<std::string> kMigrations = {R"sql(
CREATE TABLE gms_group(id TEXT PRIMARY KEY, interworking INTEGER NOT NULL,
                       iwf_terminates INTEGER NOT NULL, temporary INTEGER NOT NULL,
                       gmk_id INTEGER NOT NULL, revision INTEGER NOT NULL);
CREATE TABLE gms_member(group_id TEXT NOT NULL, member TEXT NOT NULL,
                        PRIMARY KEY(group_id, member));
CREATE TABLE gms_formed_from(group_id TEXT NOT NULL, constituent TEXT NOT NULL,
                             PRIMARY KEY(group_id, constituent));
CREATE TABLE gms_delivery(group_id TEXT NOT NULL, recipient TEXT NOT NULL,
                          gmk_id INTEGER NOT NULL, guk_id INTEGER NOT NULL,
                          revision INTEGER NOT NULL, i_message BLOB NOT NULL,
                          PRIMARY KEY(group_id, recipient));
)sql"};

Result<std::vector<std::string>> Column(Database& db, std::string_view sql, std::string_view key) {
  KB_TRY(auto st, db.Prepare(sql));
  st.Bind(1, key);
  std::vector<std::string> out;
  while (true) {
    KB_TRY(bool row, st.Step());
    if (!row) break;
    out.push_back(st.ColumnText(0));
  }
  return out;
}

Status Run(Database& db, std::string_view sql, std::string_view key) {
  KB_TRY(auto st, db.Prepare(sql));
  st.Bind(1, key);
  return st.Run();
}

gms::KeyDelivery ReadDelivery(const Statement& st) {
  return gms::KeyDelivery{st.ColumnText(0),
                          st.ColumnText(1),
                          static_cast<uint32_t>(st.ColumnInt(2)),
                          static_cast<uint32_t>(st.ColumnInt(3)),
                          static_cast<uint64_t>(st.ColumnInt(4)),
                          st.ColumnBlob(5)};
}

}  // namespace

const std::vector<std::string>& SqliteGmsStore::Migrations() { return kMigrations; }

Result<std::unique_ptr<SqliteGmsStore>> SqliteGmsStore::Open(const std::string& path) {
  KB_TRY(SqliteDatabase db, SqliteDatabase::Open(path, kMigrations));
  return Open(std::make_unique<SqliteDatabase>(std::move(db)));
}

Result<std::unique_ptr<SqliteGmsStore>> SqliteGmsStore::Open(const StorageOptions& storage) {
  KB_TRY(auto db, OpenDatabase(storage, "gms", kMigrations));
  return Open(std::move(db));
}

Result<std::unique_ptr<SqliteGmsStore>> SqliteGmsStore::Open(std::unique_ptr<Database> db) {
  return std::unique_ptr<SqliteGmsStore>(new SqliteGmsStore(std::move(db)));
}

Status SqliteGmsStore::Transaction(const std::function<Status()>& body) {
  if (in_transaction_) return body();
  in_transaction_ = true;
  Status s = db_->Transaction(body);
  in_transaction_ = false;
  return s;
}

Status SqliteGmsStore::PutGroup(const gms::Group& g) {
  return Transaction([&]() -> Status {
    KB_TRY(auto st,
           db_->Prepare("INSERT OR REPLACE INTO gms_group(id, interworking, iwf_terminates, "
                        "temporary, gmk_id, revision) VALUES (?, ?, ?, ?, ?, ?)"));
    st.Bind(1, g.id)
        .Bind(2, int64_t{g.interworking})
        .Bind(3, int64_t{g.iwf_terminates})
        .Bind(4, int64_t{g.temporary})
        .Bind(5, int64_t{g.gmk_id})
        .Bind(6, static_cast<int64_t>(g.revision));
    KB_CHECK(st.Run());
    KB_CHECK(Run(*db_, "DELETE FROM gms_member WHERE group_id = ?", g.id));
    KB_CHECK(Run(*db_, "DELETE FROM gms_formed_from WHERE group_id = ?", g.id));
    for (const auto& m : g.members) {
      KB_TRY(auto ins, db_->Prepare("INSERT INTO gms_member(group_id, member) VALUES (?, ?)"));
      ins.Bind(1, g.id).Bind(2, m);
      KB_CHECK(ins.Run());
    }
    for (const auto& c : g.formed_from) {
      KB_TRY(auto ins,
             db_->Prepare("INSERT INTO gms_formed_from(group_id, constituent) VALUES (?, ?)"));
      ins.Bind(1, g.id).Bind(2, c);
      KB_CHECK(ins.Run());
    }
    return Ok();
  });
}

Result<std::optional<gms::Group>> SqliteGmsStore::FindGroup(std::string_view id) {
  KB_TRY(auto st, db_->Prepare("SELECT interworking, iwf_terminates, temporary, gmk_id, revision "
                               "FROM gms_group WHERE id = ?"));
  st.Bind(1, id);
  KB_TRY(bool row, st.Step());
  if (!row) return std::optional<gms::Group>();
  gms::Group g;
  g.id = std::string(id);
  g.interworking = st.ColumnInt(0) != 0;
  g.iwf_terminates = st.ColumnInt(1) != 0;
  g.temporary = st.ColumnInt(2) != 0;
  g.gmk_id = static_cast<uint32_t>(st.ColumnInt(3));
  g.revision = static_cast<uint64_t>(st.ColumnInt(4));
  KB_TRY(g.members,
         Column(*db_, "SELECT member FROM gms_member WHERE group_id = ? ORDER BY member", id));
  KB_TRY(g.formed_from, Column(*db_,
                               "SELECT constituent FROM gms_formed_from WHERE group_id = ? "
                               "ORDER BY constituent",
                               id));
  return std::optional<gms::Group>(std::move(g));
}

Result<std::vector<std::string>> SqliteGmsStore::ListGroups() {
  KB_TRY(auto st, db_->Prepare("SELECT id FROM gms_group ORDER BY id"));
  std::vector<std::string> out;
  while (true) {
    KB_TRY(bool row, st.Step());
    if (!row) break;
    out.push_back(st.ColumnText(0));
  }
  return out;
}

Status SqliteGmsStore::DeleteGroup(std::string_view id) {
  return Transaction([&]() -> Status {
    KB_CHECK(Run(*db_, "DELETE FROM gms_group WHERE id = ?", id));
    if (db_->Changes() == 0) return Fail(Error::NotFound("GMS: no group " + std::string(id)));
    KB_CHECK(Run(*db_, "DELETE FROM gms_member WHERE group_id = ?", id));
    KB_CHECK(Run(*db_, "DELETE FROM gms_formed_from WHERE group_id = ?", id));
    return Run(*db_, "DELETE FROM gms_delivery WHERE group_id = ?", id);
  });
}

Status SqliteGmsStore::ReplaceDeliveries(std::string_view group_id,
                                         const std::vector<gms::KeyDelivery>& deliveries) {
  return Transaction([&]() -> Status {
    KB_CHECK(Run(*db_, "DELETE FROM gms_delivery WHERE group_id = ?", group_id));
    for (const auto& d : deliveries) {
      KB_TRY(auto st, db_->Prepare("INSERT INTO gms_delivery(group_id, recipient, gmk_id, guk_id, "
                                   "revision, i_message) VALUES (?, ?, ?, ?, ?, ?)"));
      st.Bind(1, group_id)
          .Bind(2, d.recipient)
          .Bind(3, int64_t{d.gmk_id})
          .Bind(4, int64_t{d.guk_id})
          .Bind(5, static_cast<int64_t>(d.revision))
          .BindBlob(6, d.i_message);
      KB_CHECK(st.Run());
    }
    return Ok();
  });
}

Result<std::optional<gms::KeyDelivery>> SqliteGmsStore::FindDelivery(std::string_view group_id,
                                                                     std::string_view recipient) {
  KB_TRY(auto st, db_->Prepare("SELECT group_id, recipient, gmk_id, guk_id, revision, i_message "
                               "FROM gms_delivery WHERE group_id = ? AND recipient = ?"));
  st.Bind(1, group_id).Bind(2, recipient);
  KB_TRY(bool row, st.Step());
  if (!row) return std::optional<gms::KeyDelivery>();
  return std::optional<gms::KeyDelivery>(ReadDelivery(st));
}

Result<std::vector<gms::KeyDelivery>> SqliteGmsStore::ListDeliveries(std::string_view group_id) {
  KB_TRY(auto st, db_->Prepare("SELECT group_id, recipient, gmk_id, guk_id, revision, i_message "
                               "FROM gms_delivery WHERE group_id = ? ORDER BY recipient"));
  st.Bind(1, group_id);
  std::vector<gms::KeyDelivery> out;
  while (true) {
    KB_TRY(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadDelivery(st));
  }
  return out;
}

}  // namespace kb::store
