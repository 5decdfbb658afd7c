// TIA-102.AACA KMF campaigns survive a restart: close the SQLite store in the middle of a
// campaign, reopen it, resume and complete.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "kmf/kmf_fixture.h"
#include "store/sqlite_kmf_store.h"

namespace kb::kmf::testing {
namespace {

using store::SqliteKmfStore;

class KmfRestartTest : public KmfFixture {
 protected:
  void SetUp() override {
    auto dir =
        std::filesystem::temp_directory_path() / ("kb_kmf_restart_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    path_ = (dir / "kmf.db").string();
  }
  void TearDown() override {
    std::filesystem::remove_all(std::filesystem::path(path_).parent_path());
  }

  std::unique_ptr<SqliteKmfStore> OpenStore() {
    auto s = SqliteKmfStore::Open(path_, Filled(0x3C));
    EXPECT_TRUE(s) << s.error().ToString();
    return s ? std::move(*s) : nullptr;
  }

  std::string path_;
};

TEST_F(KmfRestartTest, CampaignResumesAfterReopen) {
  int64_t campaign = 0, registration = 0;
  Bytes late_ack;
  {
    auto db = OpenStore();
    ASSERT_TRUE(db);
    KmfEngine kmf(*db, EngineOptions{10s, 60s, 5, SIZE_MAX});
    Populate(kmf);
    campaign = kmf.RekeyGroup("police", "tac", kT0).value();
    registration = kmf.Register("police", 1001, kT0).value();  // queued behind the rekey
    auto out = kmf.Tick(kT0).value();
    ASSERT_EQ(out.size(), 3u);
    // 1001 answers before the crash; 1002's answer is still on the way; 1003's command is lost.
    for (const auto& o : out) {
      Received r = Open(o, U(o.destination));
      if (o.destination == 1001) {
        auto next = kmf.HandleInbound(Ack(U(1001), r), kT0 + 1s).value();
        ASSERT_EQ(next.size(), 1u);  // the registration goes out; it is lost too
      }
      if (o.destination == 1002) late_ack = Ack(U(1002), r);
    }
    auto st = kmf.GetCampaignStatus("police", campaign).value();
    EXPECT_EQ(st.done, 1u);
    EXPECT_EQ(st.sent, 2u);
  }  // the KMF stops: engine and store closed

  auto db = OpenStore();
  ASSERT_TRUE(db);
  KmfEngine kmf(*db, EngineOptions{10s, 60s, 5, SIZE_MAX});
  auto st = kmf.GetCampaignStatus("police", campaign).value();
  EXPECT_EQ(st.done, 1u);
  EXPECT_EQ(st.sent, 2u);
  // The answer sent before the restart arrives now and is matched from the persisted MNs.
  EXPECT_TRUE(kmf.HandleInbound(late_ack, kT0 + 2s).value().empty());
  EXPECT_TRUE(kmf.Tick(kT0 + 5s).value().empty());  // nothing due yet
  auto resent = kmf.Tick(kT0 + 11s).value();
  ASSERT_EQ(resent.size(), 2u);  // 1003's rekey and 1001's registration
  for (const auto& o : resent) {
    Received r = Open(o, U(o.destination));
    // Message numbers continue from the persisted counter: never reused.
    // (1001 used MN 1 for the rekey and 2 for the lost registration.)
    EXPECT_EQ(r.kmm.header.message_number, o.destination == 1001 ? 3 : 2) << o.destination;
    EXPECT_TRUE(kmf.HandleInbound(Ack(U(o.destination), r), kT0 + 12s).value().empty());
  }
  st = kmf.GetCampaignStatus("police", campaign).value();
  EXPECT_TRUE(st.Complete());
  EXPECT_EQ(st.done, 3u);
  EXPECT_EQ(kmf.GetCampaignStatus("police", registration).value().done, 1u);
  EXPECT_EQ(kmf.GetUnit("police", 1001).value().state, UnitState::kRegistered);
}

TEST_F(KmfRestartTest, EveryOperationRunsOnTheSqliteStore) {
  auto db = OpenStore();
  ASSERT_TRUE(db);
  KmfEngine kmf(*db, EngineOptions{10s, 60s, 5, SIZE_MAX});
  Populate(kmf);
  std::vector<int64_t> ids{
      kmf.RekeyAll("police", kT0).value(),
      kmf.ModifyKey("police", {"", {2, 2, 0x0B02, 0x84}, Filled(0x55)}, kT0).value(),
      kmf.Changeover("police", 1, 2, kT0).value(),
      kmf.Inventory("police", 1003, 0x02, kT0).value(),
      kmf.ChangeRsi("police", 1003, 1033, kT0).value(),
      kmf.WarmStart("police", 1001, kT0).value(),
      kmf.Zeroize("police", 1002, kT0).value(),
  };
  std::map<Rsi, Rsi> renamed{{1033, 1003}};
  auto out = kmf.Tick(kT0).value();
  for (int round = 0; round < 50 && !out.empty(); ++round) {
    std::vector<Outbound> next;
    for (const auto& o : out) {
      Rsi key_rsi = renamed.contains(o.destination) ? renamed[o.destination] : o.destination;
      Unit u = U(key_rsi);
      u.rsi = o.destination;
      Received r = Open(o, u);
      auto more = kmf.HandleInbound(Ack(u, r), kT0 + 1s).value();
      for (auto& m : more) next.push_back(std::move(m));
    }
    out = std::move(next);
  }
  for (int64_t id : ids) {
    auto st = kmf.GetCampaignStatus("police", id).value();
    EXPECT_TRUE(st.Complete()) << CampaignKindName(st.campaign.kind);
    EXPECT_EQ(st.failed, 0u) << CampaignKindName(st.campaign.kind);
  }
  EXPECT_EQ(kmf.GetUnit("police", 1002).value().state, UnitState::kZeroized);
  EXPECT_TRUE(kmf.GetUnit("police", 1033));
}

TEST_F(KmfRestartTest, ADamagedKeyRecordFailsItsTaskOnly) {
  {
    auto db = OpenStore();
    ASSERT_TRUE(db);
    KmfEngine kmf(*db);
    Populate(kmf);
  }
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw,
                         "UPDATE unit SET ukek = (SELECT ukek FROM unit WHERE rsi = 1001) "
                         "WHERE rsi = 1002",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);
  auto db = OpenStore();
  ASSERT_TRUE(db);
  KmfEngine kmf(*db);
  auto id = kmf.RekeyGroup("police", "tac", kT0).value();
  auto out = kmf.Tick(kT0);
  ASSERT_TRUE(out) << out.error().ToString();
  EXPECT_EQ(out->size(), 2u);
  auto st = kmf.GetCampaignStatus("police", id).value();
  EXPECT_EQ(st.failed, 1u);
  for (const auto& t : st.tasks) {
    if (t.rsi == 1002) {
      EXPECT_EQ(t.detail, "cannot build the command: sealed key unit|1002|ukek: tag mismatch");
    }
  }
}

}  // namespace
}  // namespace kb::kmf::testing
