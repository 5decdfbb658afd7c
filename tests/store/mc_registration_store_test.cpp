// RFC 3261 10.3 MC service server registrations on both backends: replace per AOR, expiry on
// load, persistence across a reopen (docs/mc-server.md "Registrations across a restart").
#include "store/mc_registration_store.h"

#include <gtest/gtest.h>

#include "store/storage_backends.h"

namespace kb::store {
namespace {

mc_server::StoredBinding B(std::string aor, std::string contact, int64_t expires_at,
                           net::Transport t = net::Transport::kUdp) {
  return {std::move(aor), std::move(contact), "call-1", 7, {t, "127.0.0.1", 40000}, expires_at};
}

template <typename Bk>
class McRegistrationStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { KB_SKIP_WITHOUT_BACKEND(Bk::kBackend); }
  testing::TestStorage storage_{Bk::kBackend, "reg"};
};
TYPED_TEST_SUITE(McRegistrationStoreTest, testing::Backends, testing::BackendNames);

TYPED_TEST(McRegistrationStoreTest, ReplaceExpireAndReopen) {
  auto a1 = B("sip:alice@example.org", "sip:alice@127.0.0.1:5071", 2000);
  auto a2 = B("sip:alice@example.org", "sip:alice@127.0.0.1:5072;transport=tcp", 3000,
              net::Transport::kTcp);
  auto b1 = B("sip:bob@example.org", "sip:bob@127.0.0.1:5073", 1500);
  {
    auto s = McRegistrationStore::Open(this->storage_.options());
    ASSERT_TRUE(s) << s.error().ToString();
    std::vector<mc_server::StoredBinding> alice{a1, a2};
    ASSERT_TRUE((*s)->Replace("sip:alice@example.org", alice));
    ASSERT_TRUE((*s)->Replace("sip:bob@example.org", std::span(&b1, 1)));
    auto all = (*s)->Load(1000);
    ASSERT_TRUE(all);
    EXPECT_EQ(*all, (std::vector<mc_server::StoredBinding>{a1, a2, b1}));
    // A refresh replaces alice's set: one contact left.
    a2.cseq = 8;
    a2.expires_at = 4000;
    ASSERT_TRUE((*s)->Replace("sip:alice@example.org", std::span(&a2, 1)));
  }
  auto s = McRegistrationStore::Open(this->storage_.options());
  ASSERT_TRUE(s);
  // bob's binding expired at 1500: not loaded, and gone afterwards.
  auto all = (*s)->Load(1500);
  ASSERT_TRUE(all);
  EXPECT_EQ(*all, std::vector<mc_server::StoredBinding>{a2});
  EXPECT_EQ(*(*s)->Load(0), std::vector<mc_server::StoredBinding>{a2});
  // Unregistering everything: nothing left.
  ASSERT_TRUE((*s)->Replace("sip:alice@example.org", {}));
  EXPECT_TRUE((*s)->Load(0)->empty());
}

TEST(McRegistrationStore, SqliteFile) {
  auto s = McRegistrationStore::Open(std::filesystem::path(":memory:"));
  ASSERT_TRUE(s);
  auto a = B("sip:alice@example.org", "sip:alice@127.0.0.1:5071", 2000);
  ASSERT_TRUE((*s)->Replace(a.aor, std::span(&a, 1)));
  EXPECT_EQ((*s)->Load(0)->size(), 1u);
}

}  // namespace
}  // namespace kb::store
