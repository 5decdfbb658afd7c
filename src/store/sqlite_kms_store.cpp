// keybridge KMS service issue log on store::Database (SQLite or PostgreSQL): one row per key set
// issued (no key material).
#include "store/sqlite_kms_store.h"

#include "store/sqlite_database.h"

namespace kb::store {
namespace {

const std::vector<std::string> kMigrations = {
    "CREATE TABLE issue ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  user_uri TEXT NOT NULL,"
    "  key_period_no INTEGER NOT NULL,"
    "  issued_at_ntp INTEGER NOT NULL,"
    "  resource TEXT NOT NULL);"
    "CREATE INDEX issue_user ON issue (user_uri);",
};

}  // namespace

const std::vector<std::string>& SqliteKmsStore::Migrations() { return kMigrations; }

Result<std::unique_ptr<SqliteKmsStore>> SqliteKmsStore::Open(const std::filesystem::path& path) {
  KB_TRY(SqliteDatabase db, SqliteDatabase::Open(path, kMigrations));
  return Open(std::make_unique<SqliteDatabase>(std::move(db)));
}

Result<std::unique_ptr<SqliteKmsStore>> SqliteKmsStore::Open(const StorageOptions& storage) {
  KB_TRY(auto db, OpenDatabase(storage, "kms", kMigrations));
  return Open(std::move(db));
}

Result<std::unique_ptr<SqliteKmsStore>> SqliteKmsStore::Open(std::unique_ptr<Database> db) {
  return std::unique_ptr<SqliteKmsStore>(new SqliteKmsStore(std::move(db)));
}

Status SqliteKmsStore::RecordIssue(const kms_service::IssueRecord& r) {
  std::lock_guard lock(mu_);
  KB_TRY(auto stmt,
         db_->Prepare("INSERT INTO issue (user_uri, key_period_no, issued_at_ntp, resource) "
                      "VALUES (?1, ?2, ?3, ?4)"));
  stmt.Bind(1, r.user_uri).Bind(2, static_cast<int64_t>(r.key_period_no));
  stmt.Bind(3, static_cast<int64_t>(r.issued_at.raw())).Bind(4, r.resource);
  return stmt.Run();
}

Result<std::vector<kms_service::IssueRecord>> SqliteKmsStore::Issued(std::string_view user_uri) {
  std::lock_guard lock(mu_);
  KB_TRY(auto stmt,
         db_->Prepare("SELECT user_uri, key_period_no, issued_at_ntp, resource FROM issue "
                      "WHERE user_uri = ?1 ORDER BY id"));
  stmt.Bind(1, user_uri);
  std::vector<kms_service::IssueRecord> out;
  for (;;) {
    KB_TRY(bool row, stmt.Step());
    if (!row) break;
    out.push_back({stmt.ColumnText(0), static_cast<uint64_t>(stmt.ColumnInt(1)),
                   NtpTime(static_cast<uint64_t>(stmt.ColumnInt(2))), stmt.ColumnText(3)});
  }
  return out;
}

}  // namespace kb::store
