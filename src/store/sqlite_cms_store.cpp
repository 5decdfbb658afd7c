// keybridge CMS document store on store::Database (SQLite or PostgreSQL): one row per XCAP
// document (content and ETag).
#include "store/sqlite_cms_store.h"

#include "store/sqlite_database.h"

namespace kb::store {
namespace {

const std::vector<std::string> kMigrations = {
    "CREATE TABLE cms_document ("
    "  selector TEXT PRIMARY KEY,"
    "  xui TEXT NOT NULL,"
    "  profile_index INTEGER NOT NULL,"
    "  content TEXT NOT NULL,"
    "  etag TEXT NOT NULL,"
    "  lmr_aware INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE INDEX cms_document_xui ON cms_document (xui);",
};

constexpr const char* kColumns =
    "selector, xui, profile_index, content, etag, lmr_aware, updated_at";

cms_service::StoredDocument Row(const Statement& s) {
  cms_service::StoredDocument d;
  d.selector = s.ColumnText(0);
  d.xui = s.ColumnText(1);
  d.profile_index = static_cast<uint32_t>(s.ColumnInt(2));
  d.content = s.ColumnText(3);
  d.etag = s.ColumnText(4);
  d.lmr_aware = s.ColumnInt(5) != 0;
  d.updated_at = s.ColumnInt(6);
  return d;
}

}  // namespace

const std::vector<std::string>& SqliteCmsStore::Migrations() { return kMigrations; }

Result<std::unique_ptr<SqliteCmsStore>> SqliteCmsStore::Open(const std::filesystem::path& path) {
  KB_TRY(SqliteDatabase db, SqliteDatabase::Open(path, kMigrations));
  return Open(std::make_unique<SqliteDatabase>(std::move(db)));
}

Result<std::unique_ptr<SqliteCmsStore>> SqliteCmsStore::Open(const StorageOptions& storage) {
  KB_TRY(auto db, OpenDatabase(storage, "cms", kMigrations));
  return Open(std::move(db));
}

Result<std::unique_ptr<SqliteCmsStore>> SqliteCmsStore::Open(std::unique_ptr<Database> db) {
  return std::unique_ptr<SqliteCmsStore>(new SqliteCmsStore(std::move(db)));
}

Result<std::optional<cms_service::StoredDocument>> SqliteCmsStore::Get(std::string_view selector) {
  std::lock_guard lock(mu_);
  KB_TRY(auto stmt, db_->Prepare(std::string("SELECT ") + kColumns +
                                 " FROM cms_document WHERE selector = ?1"));
  stmt.Bind(1, selector);
  KB_TRY(bool row, stmt.Step());
  if (!row) return std::optional<cms_service::StoredDocument>();
  return std::optional<cms_service::StoredDocument>(Row(stmt));
}

Status SqliteCmsStore::Put(const cms_service::StoredDocument& d) {
  std::lock_guard lock(mu_);
  return db_->Transaction([&]() -> Status {
    KB_TRY(auto del, db_->Prepare("DELETE FROM cms_document WHERE selector = ?1"));
    del.Bind(1, d.selector);
    KB_CHECK(del.Run());
    KB_TRY(auto ins, db_->Prepare(std::string("INSERT INTO cms_document (") + kColumns +
                                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    ins.Bind(1, d.selector).Bind(2, d.xui).Bind(3, static_cast<int64_t>(d.profile_index));
    ins.Bind(4, d.content).Bind(5, d.etag).Bind(6, int64_t{d.lmr_aware ? 1 : 0});
    ins.Bind(7, d.updated_at);
    return ins.Run();
  });
}

Status SqliteCmsStore::Delete(std::string_view selector) {
  std::lock_guard lock(mu_);
  KB_TRY(auto stmt, db_->Prepare("DELETE FROM cms_document WHERE selector = ?1"));
  stmt.Bind(1, selector);
  KB_CHECK(stmt.Run());
  if (db_->Changes() == 0) return Fail(Error::NotFound("no such document"));
  return Ok();
}

Result<std::vector<cms_service::StoredDocument>> SqliteCmsStore::ListByXui(std::string_view xui) {
  std::lock_guard lock(mu_);
  KB_TRY(auto stmt, db_->Prepare(std::string("SELECT ") + kColumns +
                                 " FROM cms_document WHERE xui = ?1 ORDER BY profile_index"));
  stmt.Bind(1, xui);
  std::vector<cms_service::StoredDocument> out;
  for (;;) {
    KB_TRY(bool row, stmt.Step());
    if (!row) break;
    out.push_back(Row(stmt));
  }
  return out;
}

Result<std::vector<std::string>> SqliteCmsStore::ListLmrAwareXuis() {
  std::lock_guard lock(mu_);
  KB_TRY(auto stmt, db_->Prepare("SELECT DISTINCT xui FROM cms_document WHERE lmr_aware = 1 "
                                 "ORDER BY xui"));
  std::vector<std::string> out;
  for (;;) {
    KB_TRY(bool row, stmt.Step());
    if (!row) break;
    out.push_back(stmt.ColumnText(0));
  }
  return out;
}

}  // namespace kb::store
