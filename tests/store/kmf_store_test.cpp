// TIA-102.AACA KMF key database: the KmfStore contract, run against the memory store and the SQL
// store on SQLite and PostgreSQL,
// plus the SQLite specifics (encryption at rest, wrong storage key, reopen).
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "crypto/random.h"
#include "kmf/memory_kmf_store.h"
#include "store/sqlite_kmf_store.h"
#include "store/storage_backends.h"

namespace kb::kmf {
namespace {

using store::SqliteKmfStore;

std::string TempDbPath(std::string_view tag) {
  auto dir = std::filesystem::temp_directory_path() /
             ("kb_store_" + std::string(tag) + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return (dir / "kmf.db").string();
}

SecretBytes FixedKey(uint8_t fill) {
  SecretBytes k(32);
  for (auto& b : k.RevealMutable()) b = fill;
  return k;
}

Unit MakeUnit(Rsi rsi, std::string org) {
  Unit u;
  u.rsi = rsi;
  u.org = std::move(org);
  u.ukek = {0x84, 0x1111, FixedKey(0xA1)};
  u.mac_key = {0x84, 0x2222, FixedKey(0xB2)};
  return u;
}

// The stores the contract runs on. Persistent ones can be reopened.
struct MemoryFactory {
  static constexpr bool kPostgres = false;
  std::unique_ptr<KmfStore> Make() { return std::make_unique<MemoryKmfStore>(); }
  std::unique_ptr<KmfStore> Reopen() { return nullptr; }
};
template <store::Backend B>
struct DatabaseFactory {
  static constexpr bool kPostgres = B == store::Backend::kPostgresql;
  store::testing::TestStorage storage{B, "kmf"};
  std::unique_ptr<KmfStore> Make() {
    auto s = SqliteKmfStore::Open(storage.options(), FixedKey(0x5A));
    EXPECT_TRUE(s.has_value()) << s.error().ToString();
    return s ? std::move(*s) : nullptr;
  }
  std::unique_ptr<KmfStore> Reopen() { return Make(); }
};
using SqliteFactory = DatabaseFactory<store::Backend::kSqlite>;
using PostgresFactory = DatabaseFactory<store::Backend::kPostgresql>;

template <typename F>
class KmfStoreContract : public ::testing::Test {
 protected:
  void SetUp() override {
    if (F::kPostgres && store::testing::PostgresUrl() == nullptr)
      GTEST_SKIP() << "KB_TEST_POSTGRES_URL is not set (make test sets it)";
    s_ = f_.Make();
    ASSERT_TRUE(s_);
  }
  F f_;
  std::unique_ptr<KmfStore> s_;
};
class FactoryNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    if constexpr (std::is_same_v<T, MemoryFactory>) return "Memory";
    if constexpr (std::is_same_v<T, SqliteFactory>) return "Sqlite";
    return "Postgres";
  }
};
using Factories = ::testing::Types<MemoryFactory, SqliteFactory, PostgresFactory>;
TYPED_TEST_SUITE(KmfStoreContract, Factories, FactoryNames);

TYPED_TEST(KmfStoreContract, ReopenKeepsEverything) {
  ASSERT_TRUE(this->s_->AddOrganisation({"police", "Police"}));
  ASSERT_TRUE(this->s_->PutTek({"police", {1, 10, 0x4983, 0x84}, FixedKey(0x11)}));
  ASSERT_TRUE(this->s_->PutUnit(MakeUnit(100, "police")));
  ASSERT_TRUE(this->s_->PutGroup({"police", "tac1", false, {100}, {10}}));
  auto cid = this->s_->AddCampaign({0, "police", CampaignKind::kRekey, {1, 2}, FromMillis(5), "r"});
  ASSERT_TRUE(cid);
  // Uncommitted work is lost on close.
  ASSERT_TRUE(this->s_->Begin());
  ASSERT_TRUE(this->s_->AddOrganisation({"fire", "Fire"}));
  this->s_.reset();
  auto s = this->f_.Reopen();
  if (!s) GTEST_SKIP() << "not persistent";
  EXPECT_TRUE(*s->FindOrganisation("police"));
  EXPECT_FALSE(*s->FindOrganisation("fire"));
  auto teks = s->ListTeks("police");
  ASSERT_TRUE(teks && teks->size() == 1u);
  EXPECT_TRUE((*teks)[0].key == FixedKey(0x11));
  auto u = s->FindUnit(100);
  ASSERT_TRUE(u && *u);
  EXPECT_TRUE((*u)->ukek.key == FixedKey(0xA1));
  EXPECT_EQ(s->GroupsOfUnit(100)->size(), 1u);
  auto c = s->FindCampaign(*cid);
  ASSERT_TRUE(c && *c);
  EXPECT_EQ((*c)->params, (Bytes{1, 2}));
  // The next campaign id continues after the persisted ones.
  auto next = s->AddCampaign({0, "police", CampaignKind::kRekey, {}, FromMillis(6), "s"});
  ASSERT_TRUE(next);
  EXPECT_GT(*next, *cid);
}

TYPED_TEST(KmfStoreContract, OrganisationsAreUnique) {
  ASSERT_TRUE(this->s_->AddOrganisation({"police", "Police"}));
  auto dup = this->s_->AddOrganisation({"police", "Other"});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().kind(), ErrorKind::kConflict);
  auto found = this->s_->FindOrganisation("police");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->display_name, "Police");
  EXPECT_FALSE(*this->s_->FindOrganisation("fire"));
}

TYPED_TEST(KmfStoreContract, TeksRoundTripPerOrganisation) {
  ASSERT_TRUE(this->s_->PutTek({"police", {1, 10, 0x4983, 0x84}, FixedKey(0x11)}));
  ASSERT_TRUE(this->s_->PutTek({"police", {2, 10, 0x4984, 0x84}, FixedKey(0x12)}));
  ASSERT_TRUE(this->s_->PutTek({"fire", {1, 10, 0x5000, 0x84}, FixedKey(0x21)}));
  // Replace keyset 1 SLN 10.
  ASSERT_TRUE(this->s_->PutTek({"police", {1, 10, 0x4985, 0x84}, FixedKey(0x13)}));
  auto teks = this->s_->ListTeks("police");
  ASSERT_TRUE(teks);
  ASSERT_EQ(teks->size(), 2u);
  EXPECT_EQ((*teks)[0].ref, (KeyRef{1, 10, 0x4985, 0x84}));
  EXPECT_TRUE((*teks)[0].key == FixedKey(0x13));
  ASSERT_TRUE(this->s_->DeleteTek("police", 2, 10));
  EXPECT_EQ(this->s_->ListTeks("police")->size(), 1u);
  EXPECT_EQ(this->s_->ListTeks("fire")->size(), 1u);
}

TYPED_TEST(KmfStoreContract, UnitRsiBelongsToOneOrganisation) {
  ASSERT_TRUE(this->s_->PutUnit(MakeUnit(100, "police")));
  auto clash = this->s_->PutUnit(MakeUnit(100, "fire"));
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().kind(), ErrorKind::kConflict);
  auto u = this->s_->FindUnit(100);
  ASSERT_TRUE(u && *u);
  EXPECT_EQ((*u)->org, "police");
  EXPECT_TRUE((*u)->ukek.key == FixedKey(0xA1));
  EXPECT_TRUE((*u)->mac_key.key == FixedKey(0xB2));
  EXPECT_EQ((*u)->mac_key.kid, 0x2222);
  ASSERT_TRUE(this->s_->SetUnitLastMn(100, 77));
  ASSERT_TRUE(this->s_->SetUnitState(100, UnitState::kZeroized));
  u = this->s_->FindUnit(100);
  EXPECT_EQ((*u)->last_mn, 77);
  EXPECT_EQ((*u)->state, UnitState::kZeroized);
  EXPECT_EQ(this->s_->SetUnitLastMn(101, 1).error().kind(), ErrorKind::kNotFound);
}

TYPED_TEST(KmfStoreContract, GroupsAndMembership) {
  ASSERT_TRUE(this->s_->PutUnit(MakeUnit(1, "police")));
  ASSERT_TRUE(this->s_->PutUnit(MakeUnit(2, "police")));
  ASSERT_TRUE(this->s_->PutGroup({"police", "tac1", false, {1, 2}, {10, 11}}));
  ASSERT_TRUE(this->s_->PutGroup({"police", "temp", true, {2}, {12}}));
  auto g1 = this->s_->GroupsOfUnit(1);
  ASSERT_TRUE(g1);
  ASSERT_EQ(g1->size(), 1u);
  EXPECT_EQ((*g1)[0].slns, (std::vector<uint16_t>{10, 11}));
  EXPECT_EQ(this->s_->GroupsOfUnit(2)->size(), 2u);
  // Replacing a group replaces its membership.
  ASSERT_TRUE(this->s_->PutGroup({"police", "tac1", false, {2}, {10}}));
  EXPECT_TRUE(this->s_->GroupsOfUnit(1)->empty());
  auto g = this->s_->FindGroup("police", "temp");
  ASSERT_TRUE(g && *g);
  EXPECT_TRUE((*g)->temporary);
  EXPECT_EQ((*g)->members, (std::vector<Rsi>{2}));
  ASSERT_TRUE(this->s_->RenameUnit(2, 3));
  EXPECT_FALSE(*this->s_->FindUnit(2));
  EXPECT_EQ(this->s_->GroupsOfUnit(3)->size(), 2u);
  ASSERT_TRUE(this->s_->DeleteGroup("police", "temp"));
  EXPECT_EQ(this->s_->GroupsOfUnit(3)->size(), 1u);
}

TYPED_TEST(KmfStoreContract, HeadTasksRunInOrderPerUnit) {
  Campaign c{0, "police", CampaignKind::kRekey, {}, FromMillis(1000), "x"};
  auto cid = this->s_->AddCampaign(c);
  ASSERT_TRUE(cid);
  auto add = [&](Rsi rsi, int64_t due) {
    Task t;
    t.campaign_id = *cid;
    t.org = "police";
    t.rsi = rsi;
    t.next_due = FromMillis(due);
    auto id = this->s_->AddTask(t);
    EXPECT_TRUE(id);
    return *id;
  };
  int64_t a1 = add(1, 1000), a2 = add(1, 1000), b1 = add(2, 5000);
  auto due = this->s_->DueHeadTasks(FromMillis(2000), 100);
  ASSERT_TRUE(due);
  ASSERT_EQ(due->size(), 1u);  // unit 1's first task only; unit 2's is not due
  EXPECT_EQ((*due)[0].id, a1);
  Task t = (*due)[0];
  t.state = TaskState::kSent;
  t.mns = {5, 6};
  t.next_due = FromMillis(9000);
  ASSERT_TRUE(this->s_->UpdateTask(t));
  // a1 is in flight and not due: a2 must wait behind it.
  EXPECT_TRUE(this->s_->DueHeadTasks(FromMillis(2000), 100)->empty());
  EXPECT_EQ(this->s_->DueHeadTasks(FromMillis(6000), 100)->size(), 1u);  // b1
  t.state = TaskState::kDone;
  ASSERT_TRUE(this->s_->UpdateTask(t));
  auto head = this->s_->HeadTask(1);
  ASSERT_TRUE(head && *head);
  EXPECT_EQ((*head)->id, a2);
  auto all = this->s_->DueHeadTasks(FromMillis(6000), 100);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, a2);
  EXPECT_EQ((*all)[1].id, b1);
  EXPECT_EQ(this->s_->DueHeadTasks(FromMillis(6000), 1)->size(), 1u);
  auto tasks = this->s_->ListTasks(*cid);
  ASSERT_EQ(tasks->size(), 3u);
  EXPECT_EQ((*tasks)[0].mns, (std::vector<uint16_t>{5, 6}));
  EXPECT_EQ((*tasks)[0].state, TaskState::kDone);
}

// --- SQLite specifics ---

bool FileContains(const std::string& path, ByteView needle) {
  for (const auto* suffix : {"", "-wal"}) {
    std::FILE* f = std::fopen((path + suffix).c_str(), "rb");
    if (!f) continue;
    Bytes data;
    uint8_t buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.insert(data.end(), buf, buf + n);
    std::fclose(f);
    if (std::search(data.begin(), data.end(), needle.begin(), needle.end()) != data.end())
      return true;
  }
  return false;
}

TEST(SqliteKmfStore, KeysAreNeverStoredInTheClear) {
  std::string path = TempDbPath("clear");
  SecretBytes tek = crypto::RandomSecret(32);
  SecretBytes ukek = crypto::RandomSecret(32);
  {
    auto s = SqliteKmfStore::Open(path, FixedKey(0x5A));
    ASSERT_TRUE(s);
    ASSERT_TRUE((*s)->PutTek({"police", {1, 1, 1, 0x84}, tek.Clone()}));
    Unit u = MakeUnit(7, "police");
    u.ukek.key = ukek.Clone();
    ASSERT_TRUE((*s)->PutUnit(u));
    // Sanity: the file does hold the organisation name in the clear.
    EXPECT_TRUE(FileContains(path, AsBytes("police")));
  }
  EXPECT_FALSE(FileContains(path, tek.Reveal()));
  EXPECT_FALSE(FileContains(path, ukek.Reveal()));
  auto s = SqliteKmfStore::Open(path, FixedKey(0x5A));
  ASSERT_TRUE(s);
  EXPECT_TRUE((*(*s)->ListTeks("police"))[0].key == tek);
  EXPECT_TRUE((*(*s)->FindUnit(7))->ukek.key == ukek);
}

TEST(SqliteKmfStore, WrongStorageKeyIsRefused) {
  std::string path = TempDbPath("wrongkey");
  ASSERT_TRUE(SqliteKmfStore::Open(path, FixedKey(0x5A)));
  auto s = SqliteKmfStore::Open(path, FixedKey(0x5B));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind(), ErrorKind::kCryptoFailure);
  EXPECT_FALSE(SqliteKmfStore::Open(path, SecretBytes(16)));
}

TEST(SqliteKmfStore, SealedKeyCannotMoveToAnotherRow) {
  std::string path = TempDbPath("swap");
  {
    auto s = SqliteKmfStore::Open(path, FixedKey(0x5A));
    ASSERT_TRUE(s);
    ASSERT_TRUE((*s)->PutTek({"police", {1, 1, 1, 0x84}, FixedKey(1)}));
    ASSERT_TRUE((*s)->PutTek({"fire", {1, 1, 1, 0x84}, FixedKey(2)}));
  }
  // An attacker with file access copies fire's sealed TEK over police's row.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "UPDATE tek SET key = (SELECT key FROM tek WHERE org = 'fire') "
                         "WHERE org = 'police'",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto s = SqliteKmfStore::Open(path, FixedKey(0x5A));
  ASSERT_TRUE(s);
  auto teks = (*s)->ListTeks("police");
  ASSERT_FALSE(teks);
  EXPECT_EQ(teks.error().kind(), ErrorKind::kCryptoFailure);
}

TEST(SqliteKmfStore, SchemaIsVersionedAndWal) {
  std::string path = TempDbPath("schema");
  ASSERT_TRUE(SqliteKmfStore::Open(path, FixedKey(0x5A)));
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  auto scalar = [&](const char* sql) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
    sqlite3_step(st);
    std::string v = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v;
  };
  EXPECT_EQ(scalar("PRAGMA user_version"), "1");
  EXPECT_EQ(scalar("PRAGMA journal_mode"), "wal");
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto s = SqliteKmfStore::Open(path, FixedKey(0x5A));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind(), ErrorKind::kUnsupported);
}

TEST(SqliteKmfStore, RollbackUndoesWrites) {
  auto s = SqliteKmfStore::Open(TempDbPath("rollback"), FixedKey(0x5A));
  ASSERT_TRUE(s);
  ASSERT_TRUE((*s)->Begin());
  ASSERT_TRUE((*s)->AddOrganisation({"police", "Police"}));
  ASSERT_TRUE((*s)->Rollback());
  EXPECT_FALSE(*(*s)->FindOrganisation("police"));
}

}  // namespace
}  // namespace kb::kmf
