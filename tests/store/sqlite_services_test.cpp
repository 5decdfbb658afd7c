// keybridge storage adapter: SQLite specifics of the wrapper, and the IdMS and KMS stores on both
// backends.
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>

#include "store/sqlite_database.h"
#include "store/sqlite_idms_store.h"
#include "store/sqlite_kms_store.h"
#include "store/storage_backends.h"

namespace kb::store {
namespace {

namespace fs = std::filesystem;

struct TempFile {
  fs::path dir = fs::temp_directory_path() / ("kb-sqlite-" + std::to_string(::getpid()));
  fs::path path = dir / "t.sqlite";
  TempFile() { fs::create_directories(dir); }
  ~TempFile() { fs::remove_all(dir); }
};

TEST(SqliteDatabase, MigratesOnceAndRefusesNewerSchema) {
  TempFile f;
  std::vector<std::string> v1 = {"CREATE TABLE t (x INTEGER);"};
  {
    auto db = SqliteDatabase::Open(f.path, v1);
    ASSERT_TRUE(db) << db.error().ToString();
    EXPECT_EQ(db->UserVersion(), 1);
    ASSERT_TRUE(db->Exec("INSERT INTO t VALUES (7);"));
  }
  EXPECT_EQ(fs::status(f.path).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  std::vector<std::string> v2 = {v1[0], "ALTER TABLE t ADD COLUMN y TEXT;"};
  {
    auto db = SqliteDatabase::Open(f.path, v2);  // only migration 2 runs
    ASSERT_TRUE(db) << db.error().ToString();
    EXPECT_EQ(db->UserVersion(), 2);
    auto s = db->Prepare("SELECT x FROM t");
    ASSERT_TRUE(s);
    ASSERT_EQ(s->Step(), true);
    EXPECT_EQ(s->ColumnInt(0), 7);
  }
  auto old = SqliteDatabase::Open(f.path, v1);
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().kind(), ErrorKind::kUnsupported);
}

TEST(SqliteDatabase, TransactionRollsBackOnError) {
  auto db = SqliteDatabase::Open(":memory:", {"CREATE TABLE t (x INTEGER PRIMARY KEY);"});
  ASSERT_TRUE(db);
  Status st = db->Transaction([&]() -> Status {
    KB_CHECK(db->Exec("INSERT INTO t VALUES (1);"));
    return db->Exec("INSERT INTO t VALUES (1);");  // duplicate key
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind(), ErrorKind::kConflict);
  auto s = db->Prepare("SELECT COUNT(*) FROM t");
  ASSERT_EQ(s->Step(), true);
  EXPECT_EQ(s->ColumnInt(0), 0);
  EXPECT_FALSE(db->Prepare("SELECT nonsense FROM"));
}

// Prepared statements are cached by text: the same text used twice at once gets two statements,
// a reused one starts unbound, and one that outlives its database is still released cleanly.
TEST(SqliteDatabase, CachedStatementsStayIndependent) {
  std::optional<Statement> late;
  {
    auto db = SqliteDatabase::Open(":memory:", {"CREATE TABLE t (x INTEGER);"
                                                "INSERT INTO t VALUES (1), (2), (3);"});
    ASSERT_TRUE(db);
    const char* sql = "SELECT x FROM t WHERE x >= ? ORDER BY x";
    auto a = db->Prepare(sql);
    auto b = db->Prepare(sql);
    ASSERT_TRUE(a && b);
    a->Bind(1, 2);
    b->Bind(1, 1);
    ASSERT_EQ(a->Step(), true);
    ASSERT_EQ(b->Step(), true);
    EXPECT_EQ(a->ColumnInt(0), 2);
    EXPECT_EQ(b->ColumnInt(0), 1);
    a = db->Prepare("SELECT 0");  // releases the cached one
    auto c = db->Prepare(sql);    // reused: no bindings left (NULL matches nothing)
    ASSERT_TRUE(c);
    EXPECT_EQ(c->Step(), false);
    late.emplace(std::move(*c));
  }
  late.reset();  // after the database closed
}

template <typename B>
class ServiceStores : public ::testing::Test {
 protected:
  void SetUp() override { KB_SKIP_WITHOUT_BACKEND(B::kBackend); }
  testing::TestStorage storage_{B::kBackend, "svc"};
};
TYPED_TEST_SUITE(ServiceStores, testing::Backends, testing::BackendNames);

TYPED_TEST(ServiceStores, IdmsAccountsRoundTripAndPersist) {
  {
    auto s = SqliteIdmsStore::Open(this->storage_.options());
    ASSERT_TRUE(s) << s.error().ToString();
    idms::Account a{"sip:alice@example.org", "$scrypt$x", {"a", "b"}, false, false};
    ASSERT_TRUE((*s)->Put(a));
    a.scopes = {"c"};
    ASSERT_TRUE((*s)->Put(a));  // replaces
    ASSERT_TRUE((*s)->Put({"sip:iwf@example.org", "$scrypt$y", {}, true, false}));
  }
  auto s = SqliteIdmsStore::Open(this->storage_.options());
  ASSERT_TRUE(s);
  auto a = (*s)->Find("sip:alice@example.org");
  ASSERT_TRUE(a && *a);
  EXPECT_EQ((*a)->scopes, std::vector<std::string>{"c"});
  EXPECT_EQ((*a)->password_hash, "$scrypt$x");
  auto iwf = (*s)->Find("sip:iwf@example.org");
  EXPECT_TRUE((*iwf)->service);
  auto none = (*s)->Find("sip:nobody@example.org");
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  EXPECT_EQ((*s)->Subjects()->size(), 2u);
}

TYPED_TEST(ServiceStores, KmsIssueLogPerUserPersists) {
  {
    auto s = SqliteKmsStore::Open(this->storage_.options());
    ASSERT_TRUE(s) << s.error().ToString();
    ASSERT_TRUE((*s)->RecordIssue({"sip:a@x", 10, NtpTime::FromSeconds(5), "keyprov"}));
    ASSERT_TRUE((*s)->RecordIssue({"sip:b@x", 10, NtpTime::FromSeconds(6), "keyprov"}));
  }
  auto s = SqliteKmsStore::Open(this->storage_.options());
  ASSERT_TRUE(s);
  // NTP times use all 64 bits: they must survive a signed 64-bit column.
  NtpTime late(0xF000000000000001ull);
  ASSERT_TRUE((*s)->RecordIssue({"sip:a@x", 11, late, "keyprov"}));
  auto a = (*s)->Issued("sip:a@x");
  ASSERT_TRUE(a);
  ASSERT_EQ(a->size(), 2u);
  EXPECT_EQ((*a)[0].issued_at, NtpTime::FromSeconds(5));
  EXPECT_EQ((*a)[1].key_period_no, 11u);
  EXPECT_EQ((*a)[1].issued_at, late);
  EXPECT_TRUE((*s)->Issued("sip:c@x")->empty());
}

TEST(SqliteKmsStore, InMemory) {
  auto s = SqliteKmsStore::Open(":memory:");
  ASSERT_TRUE(s);
  ASSERT_TRUE((*s)->RecordIssue({"sip:a@x", 10, NtpTime::FromSeconds(5), "keyprov"}));
  EXPECT_EQ((*s)->Issued("sip:a@x")->size(), 1u);
}

}  // namespace
}  // namespace kb::store
