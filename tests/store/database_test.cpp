// keybridge storage adapter: store::Database on both backends (SQLite file, PostgreSQL schema):
// migrations, statements, the dialect mapping, transactions, reopen and two concurrent handles.
#include "store/database.h"

#include <gtest/gtest.h>

#include <thread>

#include "store/postgres_dialect.h"
#include "store/storage_backends.h"

namespace kb::store {
namespace {

using testing::TestStorage;

const std::vector<std::string> kV1 = {
    "CREATE TABLE item (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, "
    "  n INTEGER NOT NULL DEFAULT 0, data BLOB);"
    "CREATE TABLE kv (k TEXT NOT NULL, sub INTEGER NOT NULL, v TEXT, PRIMARY KEY (k, sub));",
};

template <typename B>
class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override { KB_SKIP_WITHOUT_BACKEND(B::kBackend); }
  std::unique_ptr<Database> Open(const std::vector<std::string>& migrations = kV1) {
    auto db = OpenDatabase(storage_.options(), "test", migrations);
    EXPECT_TRUE(db) << db.error().ToString();
    return db ? std::move(*db) : nullptr;
  }
  int64_t Count(Database& db, const char* table) {
    auto s = db.Prepare(fmt::format("SELECT COUNT(*) FROM {}", table));
    EXPECT_TRUE(s) << s.error().ToString();
    EXPECT_EQ(s->Step(), true);
    return s->ColumnInt(0);
  }
  TestStorage storage_{B::kBackend, "db"};
};
TYPED_TEST_SUITE(DatabaseTest, testing::Backends, testing::BackendNames);

TYPED_TEST(DatabaseTest, MigratesOnceAndRefusesNewerSchema) {
  {
    auto db = this->Open();
    ASSERT_TRUE(db);
    EXPECT_EQ(db->backend(), TypeParam::kBackend);
    EXPECT_EQ(db->UserVersion(), 1);
    ASSERT_TRUE(db->Exec("INSERT INTO item (name, n) VALUES ('a', 7);"));
  }
  std::vector<std::string> v2 = {kV1[0], "ALTER TABLE item ADD COLUMN note TEXT;"};
  {
    auto db = this->Open(v2);  // only migration 2 runs: the row survives
    ASSERT_TRUE(db);
    EXPECT_EQ(db->UserVersion(), 2);
    auto s = db->Prepare("SELECT n, note FROM item WHERE name = ?");
    ASSERT_TRUE(s) << s.error().ToString();
    s->Bind(1, "a");
    ASSERT_EQ(s->Step(), true);
    EXPECT_EQ(s->ColumnInt(0), 7);
    EXPECT_TRUE(s->ColumnIsNull(1));
  }
  auto old = OpenDatabase(this->storage_.options(), "test", kV1);
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().kind(), ErrorKind::kUnsupported);
}

TYPED_TEST(DatabaseTest, ValuesRoundTrip) {
  auto db = this->Open();
  ASSERT_TRUE(db);
  Bytes binary = {0x00, 0x01, 0xff, 0x5c, 0x78, 0x27, 0x00};  // NUL, backslash, 'x', quote
  auto ins = db->Prepare("INSERT INTO item (name, n, data) VALUES (?1, ?2, ?3)");
  ASSERT_TRUE(ins) << ins.error().ToString();
  ASSERT_TRUE(ins->Bind(1, "it's").Bind(2, int64_t{-9007199254740993}).BindBlob(3, binary).Run());
  EXPECT_EQ(db->Changes(), 1);
  int64_t first = db->LastInsertRowId();
  ins->Reset();
  ASSERT_TRUE(ins->Bind(1, "empty").Bind(2, INT64_MAX).BindBlob(3, {}).Run());
  EXPECT_EQ(db->LastInsertRowId(), first + 1);
  ins->Reset();
  ASSERT_TRUE(ins->Bind(1, "null").Bind(2, 0).BindNull(3).Run());

  auto sel = db->Prepare("SELECT id, n, data, name FROM item WHERE name = ?");
  ASSERT_TRUE(sel);
  sel->Bind(1, "it's");
  ASSERT_EQ(sel->Step(), true);
  EXPECT_EQ(sel->ColumnInt(0), first);
  EXPECT_EQ(sel->ColumnInt(1), -9007199254740993);
  EXPECT_EQ(sel->ColumnBlob(2), binary);
  EXPECT_EQ(sel->ColumnText(3), "it's");
  EXPECT_EQ(sel->Step(), false);
  sel->Reset();
  sel->Bind(1, "empty");
  ASSERT_EQ(sel->Step(), true);
  EXPECT_EQ(sel->ColumnInt(1), INT64_MAX);
  EXPECT_FALSE(sel->ColumnIsNull(2));  // an empty blob is not NULL
  EXPECT_TRUE(sel->ColumnBlob(2).empty());
  sel->Reset();
  sel->Bind(1, "null");
  ASSERT_EQ(sel->Step(), true);
  EXPECT_TRUE(sel->ColumnIsNull(2));
  EXPECT_TRUE(sel->ColumnBlob(2).empty());

  // Bare ? placeholders number left to right; rows come back in ORDER BY order.
  auto range = db->Prepare("SELECT name FROM item WHERE n >= ? AND n <= ? ORDER BY n LIMIT ?");
  ASSERT_TRUE(range);
  range->Bind(1, int64_t{-10000000000000000}).Bind(2, int64_t{0}).Bind(3, 5);
  std::vector<std::string> names;
  for (;;) {
    auto row = range->Step();
    ASSERT_TRUE(row);
    if (!*row) break;
    names.push_back(range->ColumnText(0));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"it's", "null"}));
}

TYPED_TEST(DatabaseTest, ConstraintsAndUpserts) {
  auto db = this->Open();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Exec("INSERT INTO item (name) VALUES ('a')"));
  auto dup = db->Exec("INSERT INTO item (name) VALUES ('a')");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().kind(), ErrorKind::kConflict);
  auto ignore = db->Prepare("INSERT OR IGNORE INTO item (name, n) VALUES (?1, ?2)");
  ASSERT_TRUE(ignore) << ignore.error().ToString();
  ASSERT_TRUE(ignore->Bind(1, "a").Bind(2, 5).Run());
  EXPECT_EQ(db->Changes(), 0);
  auto put = db->Prepare("INSERT OR REPLACE INTO kv (k, sub, v) VALUES (?1, ?2, ?3)");
  ASSERT_TRUE(put) << put.error().ToString();
  ASSERT_TRUE(put->Bind(1, "x").Bind(2, 1).Bind(3, "one").Run());
  put->Reset();
  ASSERT_TRUE(put->Bind(1, "x").Bind(2, 1).Bind(3, "uno").Run());  // replaces
  put->Reset();
  ASSERT_TRUE(put->Bind(1, "x").Bind(2, 2).Bind(3, "two").Run());
  EXPECT_EQ(this->Count(*db, "kv"), 2);
  auto get = db->Prepare("SELECT IFNULL(v, '-') FROM kv WHERE k = ?1 AND sub = ?2");
  ASSERT_TRUE(get);
  get->Bind(1, "x").Bind(2, 1);
  ASSERT_EQ(get->Step(), true);
  EXPECT_EQ(get->ColumnText(0), "uno");
  EXPECT_FALSE(db->Prepare("SELECT nonsense FROM"));
  EXPECT_FALSE(db->Prepare("SELECT * FROM no_such_table"));
  auto bad_index = db->Prepare("SELECT v FROM kv WHERE k = ?1");
  ASSERT_TRUE(bad_index);
  bad_index->Bind(2, "x");
  EXPECT_FALSE(bad_index->Step());
}

TYPED_TEST(DatabaseTest, TransactionsRollBackAndSurviveAFailedStatement) {
  auto db = this->Open();
  ASSERT_TRUE(db);
  Status st = db->Transaction([&]() -> Status {
    KB_CHECK(db->Exec("INSERT INTO item (name) VALUES ('a');"));
    return db->Exec("INSERT INTO item (name) VALUES ('a');");  // duplicate
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind(), ErrorKind::kConflict);
  EXPECT_EQ(this->Count(*db, "item"), 0);

  // A statement that fails inside a transaction does not end it (SQLite semantics).
  ASSERT_TRUE(db->Begin());
  ASSERT_TRUE(db->Exec("INSERT INTO item (name) VALUES ('b')"));
  EXPECT_FALSE(db->Exec("INSERT INTO item (name) VALUES ('b')"));
  EXPECT_FALSE(db->Prepare("SELECT broken FROM"));
  ASSERT_TRUE(db->Exec("INSERT INTO item (name) VALUES ('c')"));
  EXPECT_FALSE(db->Begin());  // no nesting
  ASSERT_TRUE(db->Commit());
  EXPECT_EQ(this->Count(*db, "item"), 2);

  // SQLite-style transaction statements through Exec work on both.
  ASSERT_TRUE(db->Exec("BEGIN IMMEDIATE; INSERT INTO item (name) VALUES ('d'); ROLLBACK;"));
  EXPECT_EQ(this->Count(*db, "item"), 2);
}

TYPED_TEST(DatabaseTest, ReopenKeepsCommittedData) {
  {
    auto db = this->Open();
    ASSERT_TRUE(db);
    ASSERT_TRUE(
        db->Transaction([&] { return db->Exec("INSERT INTO item (name) VALUES ('kept')"); }));
    ASSERT_TRUE(db->Begin());
    ASSERT_TRUE(db->Exec("INSERT INTO item (name) VALUES ('lost')"));
  }  // closed with a transaction open: rolled back
  auto db = this->Open();
  ASSERT_TRUE(db);
  auto s = db->Prepare("SELECT name FROM item ORDER BY id");
  ASSERT_TRUE(s);
  ASSERT_EQ(s->Step(), true);
  EXPECT_EQ(s->ColumnText(0), "kept");
  EXPECT_EQ(s->Step(), false);
}

// Two handles on one database (two processes of a shared-PostgreSQL deployment, or two
// connections to one SQLite file): read-modify-write transactions never lose an update, and
// each handle sees the other's commits.
TYPED_TEST(DatabaseTest, TwoHandlesSerialiseTheirTransactions) {
  auto a = this->Open();
  auto b = this->Open();
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->Exec("INSERT INTO kv (k, sub, v) VALUES ('counter', 0, '0')"));
  constexpr int kRounds = 40;
  auto worker = [&](Database* db, Status* result) {
    for (int i = 0; i < kRounds; ++i) {
      Status st = db->Transaction([&]() -> Status {
        KB_TRY(auto get, db->Prepare("SELECT v FROM kv WHERE k = 'counter'"));
        KB_TRY(bool row, get.Step());
        if (!row) return Fail(Error::NotFound("counter"));
        int64_t v = std::stoll(get.ColumnText(0));
        KB_TRY(auto set, db->Prepare("UPDATE kv SET v = ?1 WHERE k = 'counter'"));
        set.Bind(1, std::to_string(v + 1));
        KB_CHECK(set.Run());
        KB_TRY(auto add, db->Prepare("INSERT INTO item (name) VALUES (?1)"));
        add.Bind(1, fmt::format("{}-{}", static_cast<const void*>(db), i));
        return add.Run();
      });
      if (!st) {
        *result = st;
        return;
      }
    }
  };
  Status ra, rb;
  std::thread ta(worker, a.get(), &ra), tb(worker, b.get(), &rb);
  ta.join();
  tb.join();
  ASSERT_TRUE(ra) << ra.error().ToString();
  ASSERT_TRUE(rb) << rb.error().ToString();
  auto s = b->Prepare("SELECT v FROM kv WHERE k = 'counter'");
  ASSERT_TRUE(s);
  ASSERT_EQ(s->Step(), true);
  EXPECT_EQ(s->ColumnText(0), std::to_string(2 * kRounds));
  EXPECT_EQ(this->Count(*a, "item"), 2 * kRounds);
  auto ids = a->Prepare("SELECT COUNT(DISTINCT id) FROM item");
  ASSERT_EQ(ids->Step(), true);
  EXPECT_EQ(ids->ColumnInt(0), 2 * kRounds);
}

// PostgreSQL only: the server drops a connection (restart, failover, idle kill). The open
// transaction fails loudly instead of continuing in autocommit; the handle then reconnects with
// its schema and prepared statements.
TYPED_TEST(DatabaseTest, SurvivesALostConnection) {
  if (TypeParam::kBackend != Backend::kPostgresql) GTEST_SKIP() << "PostgreSQL only";
  auto a = this->Open();
  auto b = this->Open();
  ASSERT_TRUE(a && b);
  auto insert = [](Database& db, std::string_view name) -> Status {
    KB_TRY(auto s, db.Prepare("INSERT INTO item (name) VALUES (?)"));
    s.Bind(1, name);
    return s.Run();
  };
  ASSERT_TRUE(insert(*a, "before"));
  auto pid = a->Prepare("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid && pid->Step().value_or(false));
  ASSERT_TRUE(a->Begin());
  ASSERT_TRUE(insert(*a, "in-transaction"));
  auto kill = b->Prepare("SELECT pg_terminate_backend(?1)");
  ASSERT_TRUE(kill);
  kill->Bind(1, pid->ColumnInt(0));
  ASSERT_TRUE(kill->Run());
  EXPECT_FALSE(insert(*a, "after-kill"));
  EXPECT_FALSE(insert(*a, "after-kill-2"));
  EXPECT_FALSE(a->Commit());
  ASSERT_TRUE(insert(*a, "reconnected")) << "no reconnect";
  auto names = b->Prepare("SELECT name FROM item ORDER BY id");
  ASSERT_TRUE(names);
  std::vector<std::string> got;
  while (names->Step().value_or(false)) got.push_back(names->ColumnText(0));
  EXPECT_EQ(got, (std::vector<std::string>{"before", "reconnected"}));
}

TEST(PostgresDialect, MapsSqliteSql) {
  auto one = [](std::string_view sql) {
    auto v = ToPostgres(sql, [](std::string_view t) {
      return t == "kv" ? std::vector<std::string>{"k", "sub"} : std::vector<std::string>{};
    });
    EXPECT_EQ(v.size(), 1u);
    return v.empty() ? PgStatementText{} : v[0];
  };
  EXPECT_EQ(one("SELECT a FROM t WHERE b = ? AND c = ?").sql,
            "SELECT a FROM t WHERE b = $1 AND c = $2");
  auto numbered = one("UPDATE t SET a = ?2 WHERE id = ?1 AND n < ?");
  EXPECT_EQ(numbered.sql, "UPDATE t SET a = $2 WHERE id = $1 AND n < $3");
  EXPECT_EQ(numbered.parameters, 3);
  // Quoted text and comments are left alone.
  EXPECT_EQ(one("SELECT '?', \"integer\" FROM t -- blob?\nWHERE x = ?").sql,
            "SELECT '?', \"integer\" FROM t -- blob?\nWHERE x = $1");
  EXPECT_EQ(one("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, b BLOB, n integer)").sql,
            "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, b BYTEA, n BIGINT)");
  EXPECT_EQ(one("INSERT OR IGNORE INTO t (a) VALUES (?)").sql,
            "INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING");
  EXPECT_EQ(one("INSERT OR REPLACE INTO kv(k, sub, v) VALUES(?1,?2,?3)").sql,
            "INSERT INTO kv (k, sub, v) VALUES($1,$2,$3) ON CONFLICT (k, sub) DO UPDATE SET v = "
            "EXCLUDED.v");
  EXPECT_EQ(one("insert or replace into kv (k, sub) values (?, ?)").sql,
            "INSERT INTO kv (k, sub) values ($1, $2) ON CONFLICT (k, sub) DO NOTHING");
  EXPECT_EQ(one("BEGIN IMMEDIATE").kind, PgStatementText::Kind::kBegin);
  EXPECT_EQ(one("end transaction").kind, PgStatementText::Kind::kCommit);
  EXPECT_EQ(one("ROLLBACK").kind, PgStatementText::Kind::kRollback);
  EXPECT_EQ(one("ROLLBACK TO SAVEPOINT x").kind, PgStatementText::Kind::kOther);
  EXPECT_EQ(one("PRAGMA foreign_keys = ON").kind, PgStatementText::Kind::kPragma);
  auto many = ToPostgres("CREATE TABLE a (x INTEGER); ; -- note\nCREATE INDEX i ON a (x);", {});
  ASSERT_EQ(many.size(), 2u);
  EXPECT_EQ(many[0].sql, "CREATE TABLE a (x BIGINT)");
  EXPECT_EQ(many[1].sql, "-- note\nCREATE INDEX i ON a (x)");
}

}  // namespace
}  // namespace kb::store
