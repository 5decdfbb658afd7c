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
    // v2: RFC 6665 subscription dialogs (docs/cms.md "Subscriptions across a restart");
    // documents: the watched selectors, one per line.
    "CREATE TABLE cms_subscription ("
    "  call_id TEXT NOT NULL,"
    "  local_tag TEXT NOT NULL,"
    "  remote_tag TEXT NOT NULL,"
    "  subscriber TEXT NOT NULL,"
    "  remote_uri TEXT NOT NULL,"
    "  target_transport TEXT NOT NULL,"
    "  target_host TEXT NOT NULL,"
    "  target_port INTEGER NOT NULL,"
    "  target_uri TEXT NOT NULL,"
    "  local_cseq INTEGER NOT NULL,"
    "  remote_cseq INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  watch_xui TEXT NOT NULL,"
    "  documents TEXT NOT NULL,"
    "  PRIMARY KEY (call_id, local_tag));",
};

constexpr const char* kSubscriptionColumns =
    "call_id, local_tag, remote_tag, subscriber, remote_uri, target_transport, target_host, "
    "target_port, target_uri, local_cseq, remote_cseq, expires_at, watch_xui, documents";

std::string JoinLines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : "\n") + i;
  return out;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    if (nl > pos) out.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

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

Status SqliteCmsStore::PutSubscription(const cms_service::Subscription& s) {
  std::lock_guard lock(mu_);
  KB_TRY(auto stmt, db_->Prepare(std::string("INSERT OR REPLACE INTO cms_subscription (") +
                                 kSubscriptionColumns +
                                 ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                                 "?13, ?14)"));
  stmt.Bind(1, s.call_id).Bind(2, s.local_tag).Bind(3, s.remote_tag).Bind(4, s.subscriber);
  stmt.Bind(5, s.remote_uri).Bind(6, s.target.transport == net::Transport::kTcp ? "tcp" : "udp");
  stmt.Bind(7, s.target.host).Bind(8, int64_t{s.target.port}).Bind(9, s.target_uri);
  stmt.Bind(10, int64_t{s.local_cseq}).Bind(11, int64_t{s.remote_cseq}).Bind(12, s.expires_at);
  stmt.Bind(13, s.watch_xui).Bind(14, JoinLines(s.documents));
  return stmt.Run();
}

Status SqliteCmsStore::RemoveSubscription(std::string_view call_id, std::string_view local_tag) {
  std::lock_guard lock(mu_);
  KB_TRY(auto stmt,
         db_->Prepare("DELETE FROM cms_subscription WHERE call_id = ?1 AND local_tag = ?2"));
  stmt.Bind(1, call_id).Bind(2, local_tag);
  return stmt.Run();
}

Result<std::vector<cms_service::Subscription>> SqliteCmsStore::LoadSubscriptions(int64_t now) {
  std::lock_guard lock(mu_);
  KB_TRY(auto del, db_->Prepare("DELETE FROM cms_subscription WHERE expires_at <= ?1"));
  del.Bind(1, now);
  KB_CHECK(del.Run());
  KB_TRY(auto q, db_->Prepare(std::string("SELECT ") + kSubscriptionColumns +
                              " FROM cms_subscription ORDER BY call_id, local_tag"));
  std::vector<cms_service::Subscription> out;
  for (;;) {
    KB_TRY(bool row, q.Step());
    if (!row) break;
    cms_service::Subscription s;
    s.call_id = q.ColumnText(0);
    s.local_tag = q.ColumnText(1);
    s.remote_tag = q.ColumnText(2);
    s.subscriber = q.ColumnText(3);
    s.remote_uri = q.ColumnText(4);
    s.target.transport = q.ColumnText(5) == "tcp" ? net::Transport::kTcp : net::Transport::kUdp;
    s.target.host = q.ColumnText(6);
    s.target.port = static_cast<uint16_t>(q.ColumnInt(7));
    s.target_uri = q.ColumnText(8);
    s.local_cseq = static_cast<uint32_t>(q.ColumnInt(9));
    s.remote_cseq = static_cast<uint32_t>(q.ColumnInt(10));
    s.expires_at = q.ColumnInt(11);
    s.watch_xui = q.ColumnText(12);
    s.documents = SplitLines(q.ColumnText(13));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace kb::store
