// GMS storage on both backends: groups with members and constituents, deliveries replaced per
// rekey, delete cascading to deliveries, rollback of a failed transaction, persistence across
// reopen.
#include "store/sqlite_gms_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/storage_backends.h"

namespace kb::store {
namespace {

gms::Group Fire() {
  gms::Group g;
  g.id = "sip:fire@example.org";
  g.members = {"sip:alice@example.org", "sip:bob@example.org"};
  g.interworking = true;
  g.iwf_terminates = true;
  g.gmk_id = 0x0123abcd;
  g.revision = 3;
  return g;
}

gms::KeyDelivery Delivery(std::string recipient, uint32_t guk, uint8_t fill) {
  return {"sip:fire@example.org", std::move(recipient), 0x0123abcd, guk, 3, Bytes(40, fill)};
}

template <typename B>
class GmsStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { KB_SKIP_WITHOUT_BACKEND(B::kBackend); }
  testing::TestStorage storage_{B::kBackend, "gms"};
};
TYPED_TEST_SUITE(GmsStoreTest, testing::Backends, testing::BackendNames);

TYPED_TEST(GmsStoreTest, GroupsAndDeliveriesRoundTripAndSurviveReopen) {
  {
    auto s = SqliteGmsStore::Open(this->storage_.options());
    ASSERT_TRUE(s) << s.error().ToString();
    ASSERT_TRUE((*s)->PutGroup(Fire()));
    gms::Group t;
    t.id = "sip:tg@example.org";
    t.members = {"sip:alice@example.org"};
    t.temporary = true;
    t.formed_from = {"sip:a@example.org", "sip:fire@example.org"};
    ASSERT_TRUE((*s)->PutGroup(t));
    ASSERT_TRUE((*s)->ReplaceDeliveries(
        "sip:fire@example.org",
        {Delivery("sip:alice@example.org", 1, 0xa1), Delivery("sip:bob@example.org", 2, 0xb2)}));
  }
  auto s = SqliteGmsStore::Open(this->storage_.options());
  ASSERT_TRUE(s);
  auto g = (*s)->FindGroup("sip:fire@example.org");
  ASSERT_TRUE(g && *g);
  EXPECT_EQ(**g, Fire());
  auto t = (*s)->FindGroup("sip:tg@example.org");
  ASSERT_TRUE(t && *t);
  EXPECT_TRUE((*t)->temporary);
  EXPECT_EQ((*t)->formed_from.size(), 2u);
  EXPECT_EQ(*(*s)->ListGroups(),
            (std::vector<std::string>{"sip:fire@example.org", "sip:tg@example.org"}));
  auto d = (*s)->FindDelivery("sip:fire@example.org", "sip:bob@example.org");
  ASSERT_TRUE(d && *d);
  EXPECT_EQ(**d, Delivery("sip:bob@example.org", 2, 0xb2));
  // A rekey replaces every delivery.
  ASSERT_TRUE((*s)->ReplaceDeliveries("sip:fire@example.org",
                                      {Delivery("sip:alice@example.org", 9, 0xcc)}));
  auto all = (*s)->ListDeliveries("sip:fire@example.org");
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].guk_id, 9u);
  EXPECT_FALSE(*(*s)->FindDelivery("sip:fire@example.org", "sip:bob@example.org"));
  // Membership update replaces the member list.
  gms::Group fewer = Fire();
  fewer.members = {"sip:alice@example.org"};
  ASSERT_TRUE((*s)->PutGroup(fewer));
  EXPECT_EQ((**(*s)->FindGroup("sip:fire@example.org")).members, fewer.members);
  // Delete cascades; a second delete is kNotFound.
  ASSERT_TRUE((*s)->DeleteGroup("sip:fire@example.org"));
  EXPECT_TRUE((*s)->ListDeliveries("sip:fire@example.org")->empty());
  EXPECT_EQ((*s)->DeleteGroup("sip:fire@example.org").error().kind(), ErrorKind::kNotFound);
}

TYPED_TEST(GmsStoreTest, AFailedTransactionLeavesNothing) {
  auto s = SqliteGmsStore::Open(this->storage_.options());
  ASSERT_TRUE(s) << s.error().ToString();
  Status r = (*s)->Transaction([&]() -> Status {
    KB_CHECK((*s)->PutGroup(Fire()));
    KB_CHECK(
        (*s)->ReplaceDeliveries("sip:fire@example.org", {Delivery("sip:alice@example.org", 1, 1)}));
    return Fail(Error::NotFound("a recipient without a KMS"));
  });
  ASSERT_FALSE(r);
  EXPECT_FALSE(*(*s)->FindGroup("sip:fire@example.org"));
  EXPECT_TRUE((*s)->ListDeliveries("sip:fire@example.org")->empty());
}

TEST(SqliteGmsStore, FilePathStillOpens) {
  auto path =
      std::filesystem::temp_directory_path() / ("kb_gms_" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  {
    auto s = SqliteGmsStore::Open(path.string());
    ASSERT_TRUE(s) << s.error().ToString();
    ASSERT_TRUE((*s)->PutGroup(Fire()));
  }
  auto s = SqliteGmsStore::Open(path.string());
  ASSERT_TRUE(s);
  EXPECT_EQ((*s)->ListGroups()->size(), 1u);
  s->reset();
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace kb::store
