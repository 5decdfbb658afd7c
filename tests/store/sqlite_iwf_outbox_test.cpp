// TS 23.283 10.12 IWF outbox on both backends: exactly-once by message ID, and a reopened outbox
// gives back what was in flight (docs/iwf.md "Durability").
#include "store/sqlite_iwf_outbox.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/storage_backends.h"

namespace kb::store {
namespace {

iwf::OutboxEntry Entry(uint8_t id, iwf::RelayDirection d = iwf::RelayDirection::kToMc) {
  iwf::OutboxEntry e;
  e.direction = d;
  e.message_id.fill(id);
  e.mc_service_id = "sip:alice@example.org";
  e.rsi = 1001;
  e.kmm = {0x1E, 0x00, 0x07, id};
  e.created_ms = 1000 + id;
  e.next_attempt_ms = 1000 + id;
  return e;
}

template <typename B>
class SqliteIwfOutboxTest : public ::testing::Test {
 protected:
  void SetUp() override { KB_SKIP_WITHOUT_BACKEND(B::kBackend); }
  std::unique_ptr<SqliteIwfOutbox> Open() {
    auto o = SqliteIwfOutbox::Open(storage_.options());
    EXPECT_TRUE(o) << o.error().ToString();
    return o ? std::move(*o) : nullptr;
  }
  testing::TestStorage storage_{B::kBackend, "iwf"};
};
TYPED_TEST_SUITE(SqliteIwfOutboxTest, testing::Backends, testing::BackendNames);

TYPED_TEST(SqliteIwfOutboxTest, PendingSurvivesReopenInOrder) {
  {
    auto o = this->Open();
    for (uint8_t i = 1; i <= 3; ++i) {
      auto e = Entry(i);
      ASSERT_TRUE(*o->Add(e));
      EXPECT_GT(e.seq, 0);
    }
    auto to_kmf = Entry(9, iwf::RelayDirection::kToKmf);
    ASSERT_TRUE(*o->Add(to_kmf));
    auto pending = o->LoadPending();
    ASSERT_TRUE(pending);
    ASSERT_EQ(pending->size(), 4u);
    ASSERT_TRUE(o->MarkDelivered((*pending)[0].seq, 2000));
    ASSERT_TRUE(o->Reschedule((*pending)[1].seq, 3, 5000));
  }
  auto o = this->Open();
  auto pending = o->LoadPending();
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 3u);
  EXPECT_EQ((*pending)[0].message_id, Entry(2).message_id);
  EXPECT_EQ((*pending)[0].attempts, 3u);
  EXPECT_EQ((*pending)[0].next_attempt_ms, 5000);
  EXPECT_EQ((*pending)[0].kmm, Entry(2).kmm);
  EXPECT_EQ((*pending)[0].mc_service_id, "sip:alice@example.org");
  EXPECT_EQ((*pending)[1].message_id, Entry(3).message_id);
  EXPECT_EQ((*pending)[2].direction, iwf::RelayDirection::kToKmf);
}

TYPED_TEST(SqliteIwfOutboxTest, SameMessageIdIsRecordedOncePerDirection) {
  auto o = this->Open();
  auto a = Entry(1);
  ASSERT_TRUE(*o->Add(a));
  auto again = Entry(1);
  auto r = o->Add(again);
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);
  ASSERT_TRUE(o->MarkDelivered(a.seq, 2000));
  EXPECT_FALSE(*o->Add(again));  // finished but inside the window: still a duplicate
  auto other_direction = Entry(1, iwf::RelayDirection::kToKmf);
  EXPECT_TRUE(*o->Add(other_direction));
  auto purged = o->Purge(2001);
  ASSERT_TRUE(purged);
  EXPECT_EQ(*purged, 1u);  // the pending to-KMF entry stays
  EXPECT_TRUE(*o->Add(again));
}

TYPED_TEST(SqliteIwfOutboxTest, UnknownEntriesAreNotFound) {
  auto o = this->Open();
  auto st = o->MarkDelivered(42, 1);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind(), ErrorKind::kNotFound);
  EXPECT_FALSE(o->Reschedule(42, 1, 1));
  auto e = Entry(1);
  ASSERT_TRUE(*o->Add(e));
  ASSERT_TRUE(o->MarkFailed(e.seq, 5));
  EXPECT_FALSE(o->Reschedule(e.seq, 1, 1));  // finished entries are not rescheduled
  EXPECT_TRUE(o->LoadPending()->empty());
}

TEST(SqliteIwfOutbox, FilePathStillOpens) {
  auto dir =
      std::filesystem::temp_directory_path() / ("kb_iwf_outbox_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    auto o = SqliteIwfOutbox::Open(dir / "iwf.db");
    ASSERT_TRUE(o) << o.error().ToString();
    auto e = Entry(1);
    ASSERT_TRUE(*(*o)->Add(e));
  }
  auto o = SqliteIwfOutbox::Open(dir / "iwf.db");
  ASSERT_TRUE(o);
  EXPECT_EQ((*o)->LoadPending()->size(), 1u);
  o->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kb::store
