// TS 23.283 10.12 relay store on both backends: order, de-duplication, delivery marks and reopen.
#include "store/sqlite_message_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "store/storage_backends.h"

namespace kb::store {
namespace {

mc_server::StoredMessage Msg(std::string target, uint8_t id) {
  mc_server::StoredMessage m;
  m.target = std::move(target);
  m.sender = "sip:iwf@example.org";
  m.message_id[0] = id;
  m.kind = "request";
  m.payload_length = 1;
  m.body = {id, 0xee};
  return m;
}

template <typename B>
class MessageStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { KB_SKIP_WITHOUT_BACKEND(B::kBackend); }
  testing::TestStorage storage_{B::kBackend, "msg"};
};
TYPED_TEST_SUITE(MessageStoreTest, testing::Backends, testing::BackendNames);

TYPED_TEST(MessageStoreTest, SurvivesReopenInOrder) {
  int64_t first = 0;
  {
    auto s = SqliteMessageStore::Open(this->storage_.options());
    ASSERT_TRUE(s) << s.error().message();
    std::vector<mc_server::StoredMessage> batch{Msg("sip:a@x", 1), Msg("sip:b@x", 2),
                                                Msg("sip:a@x", 3), Msg("sip:a@x", 1)};
    auto fresh = (*s)->Append(batch);
    ASSERT_TRUE(fresh) << fresh.error().message();
    EXPECT_EQ(*fresh, (std::vector<bool>{true, true, true, false}));
    first = batch[0].seq;
    EXPECT_LT(batch[0].seq, batch[2].seq);
    ASSERT_TRUE((*s)->MarkDelivered(std::span(&batch[1].seq, 1)));
  }
  auto s = SqliteMessageStore::Open(this->storage_.options());
  ASSERT_TRUE(s);
  EXPECT_EQ(*(*s)->PendingCount(), 2u);
  EXPECT_EQ(*(*s)->PendingTargets(), std::vector<std::string>{"sip:a@x"});
  auto a = *(*s)->Pending("sip:a@x", 10);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].seq, first);
  EXPECT_EQ(a[0].body, (Bytes{1, 0xee}));
  EXPECT_EQ(a[1].message_id[0], 3);
  // Delivered messages stay known for de-duplication until pruned; new seqs continue.
  std::vector<mc_server::StoredMessage> again{Msg("sip:b@x", 2), Msg("sip:c@x", 9)};
  EXPECT_EQ(*(*s)->Append(again), (std::vector<bool>{false, true}));
  EXPECT_GT(again[1].seq, a[1].seq);
  ASSERT_TRUE((*s)->Prune(0));
  std::vector<mc_server::StoredMessage> after{Msg("sip:b@x", 2)};
  EXPECT_EQ(*(*s)->Append(after), std::vector<bool>{true});
  // Pending is limited and in order.
  EXPECT_EQ((*s)->Pending("sip:a@x", 1)->size(), 1u);
}

TEST(SqliteMessageStore, FileAndMemory) {
  auto dir = std::filesystem::temp_directory_path() / ("kb-msgstore-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    auto s = SqliteMessageStore::Open(dir / "m.sqlite");
    ASSERT_TRUE(s) << s.error().message();
    std::vector<mc_server::StoredMessage> batch{Msg("sip:a@x", 1)};
    ASSERT_TRUE((*s)->Append(batch));
  }
  auto s = SqliteMessageStore::Open(dir / "m.sqlite");
  ASSERT_TRUE(s);
  EXPECT_EQ(*(*s)->PendingCount(), 1u);
  s->reset();
  std::filesystem::remove_all(dir);
  EXPECT_TRUE(SqliteMessageStore::Open(":memory:"));
}

}  // namespace
}  // namespace kb::store
