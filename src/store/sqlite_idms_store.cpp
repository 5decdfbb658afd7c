// keybridge IdMS accounts on store::Database (SQLite or PostgreSQL): one row per account, scopes
// space-separated.
#include "store/sqlite_idms_store.h"

#include <memory>

#include "store/sqlite_database.h"

namespace kb::store {
namespace {

const std::vector<std::string> kMigrations = {
    "CREATE TABLE account ("
    "  subject TEXT PRIMARY KEY NOT NULL,"
    "  password_hash TEXT NOT NULL,"
    "  scopes TEXT NOT NULL,"
    "  service INTEGER NOT NULL,"
    "  disabled INTEGER NOT NULL DEFAULT 0);",
};

std::string JoinScopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) out += (out.empty() ? "" : " ") + s;
  return out;
}

std::vector<std::string> SplitScopes(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t sp = text.find(' ', pos);
    if (sp == std::string::npos) sp = text.size();
    if (sp > pos) out.push_back(text.substr(pos, sp - pos));
    pos = sp + 1;
  }
  return out;
}

}  // namespace

const std::vector<std::string>& SqliteIdmsStore::Migrations() { return kMigrations; }

Result<std::unique_ptr<SqliteIdmsStore>> SqliteIdmsStore::Open(const std::filesystem::path& path) {
  KB_TRY(SqliteDatabase db, SqliteDatabase::Open(path, kMigrations));
  return Open(std::make_unique<SqliteDatabase>(std::move(db)));
}

Result<std::unique_ptr<SqliteIdmsStore>> SqliteIdmsStore::Open(const StorageOptions& storage) {
  KB_TRY(auto db, OpenDatabase(storage, "idms", kMigrations));
  return Open(std::move(db));
}

Result<std::unique_ptr<SqliteIdmsStore>> SqliteIdmsStore::Open(std::unique_ptr<Database> db) {
  return std::unique_ptr<SqliteIdmsStore>(new SqliteIdmsStore(std::move(db)));
}

Result<std::optional<idms::Account>> SqliteIdmsStore::Find(std::string_view subject) {
  std::lock_guard lock(mu_);
  KB_TRY(auto stmt, db_->Prepare("SELECT subject, password_hash, scopes, service, disabled FROM "
                                 "account WHERE subject = ?1"));
  stmt.Bind(1, subject);
  KB_TRY(bool row, stmt.Step());
  if (!row) return std::optional<idms::Account>();
  idms::Account a;
  a.subject = stmt.ColumnText(0);
  a.password_hash = stmt.ColumnText(1);
  a.scopes = SplitScopes(stmt.ColumnText(2));
  a.service = stmt.ColumnInt(3) != 0;
  a.disabled = stmt.ColumnInt(4) != 0;
  return std::optional<idms::Account>(std::move(a));
}

Status SqliteIdmsStore::Put(const idms::Account& a) {
  std::lock_guard lock(mu_);
  KB_TRY(auto stmt,
         db_->Prepare(
             "INSERT OR REPLACE INTO account (subject, password_hash, scopes, service, disabled) "
             "VALUES (?1, ?2, ?3, ?4, ?5)"));
  stmt.Bind(1, a.subject)
      .Bind(2, a.password_hash)
      .Bind(3, JoinScopes(a.scopes))
      .Bind(4, int64_t{a.service});
  stmt.Bind(5, int64_t{a.disabled});
  return stmt.Run();
}

Result<std::vector<std::string>> SqliteIdmsStore::Subjects() {
  std::lock_guard lock(mu_);
  KB_TRY(auto stmt, db_->Prepare("SELECT subject FROM account ORDER BY subject"));
  std::vector<std::string> out;
  for (;;) {
    KB_TRY(bool row, stmt.Step());
    if (!row) break;
    out.push_back(stmt.ColumnText(0));
  }
  return out;
}

}  // namespace kb::store
