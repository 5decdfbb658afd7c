// keybridge CMS document store on both backends (RFC 4825 documents): put/replace/get/delete,
// listing by XUI and of LMR-aware users, and persistence across a reopen.
#include "store/sqlite_cms_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/storage_backends.h"

namespace kb::store {
namespace {

namespace fs = std::filesystem;

cms_service::StoredDocument Doc(std::string xui, uint32_t index, bool aware, std::string body) {
  cms_service::StoredDocument d;
  d.xui = std::move(xui);
  d.profile_index = index;
  d.selector = "org.3gpp.mcptt.user-profile/users/" + d.xui + "/user-profile-" +
               std::to_string(index) + ".xml";
  d.content = std::move(body);
  d.etag = "\"" + d.content + "\"";
  d.lmr_aware = aware;
  d.updated_at = 1700000000;
  return d;
}

template <typename B>
class CmsStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { KB_SKIP_WITHOUT_BACKEND(B::kBackend); }
  testing::TestStorage storage_{B::kBackend, "cms"};
};
TYPED_TEST_SUITE(CmsStoreTest, testing::Backends, testing::BackendNames);

TYPED_TEST(CmsStoreTest, DocumentsSurviveAReopen) {
  auto a1 = Doc("sip:alice@example.org", 1, true, "<a1/>");
  auto a2 = Doc("sip:alice@example.org", 2, false, "<a2/>");
  auto b1 = Doc("sip:bob@example.org", 1, false, "<b1/>");
  {
    auto s = SqliteCmsStore::Open(this->storage_.options());
    ASSERT_TRUE(s) << s.error().ToString();
    for (const auto& d : {a2, a1, b1}) ASSERT_TRUE((*s)->Put(d));
    auto got = (*s)->Get(a1.selector);
    ASSERT_TRUE(got && *got);
    EXPECT_EQ(**got, a1);
    auto missing = (*s)->Get("nope");
    ASSERT_TRUE(missing);
    EXPECT_FALSE(*missing);
    // Replace: one row, the new content.
    auto b1v2 = Doc("sip:bob@example.org", 1, true, "<b1 v='2'/>");
    ASSERT_TRUE((*s)->Put(b1v2));
    EXPECT_EQ(*(*(*s)->Get(b1.selector)), b1v2);
    auto list = (*s)->ListByXui("sip:alice@example.org");
    ASSERT_TRUE(list);
    ASSERT_EQ(list->size(), 2u);
    EXPECT_EQ((*list)[0], a1);
    EXPECT_EQ((*list)[1], a2);
    auto aware = (*s)->ListLmrAwareXuis();
    ASSERT_TRUE(aware);
    EXPECT_EQ(*aware, (std::vector<std::string>{"sip:alice@example.org", "sip:bob@example.org"}));
  }
  {
    auto s = SqliteCmsStore::Open(this->storage_.options());
    ASSERT_TRUE(s);
    EXPECT_EQ(*(*(*s)->Get(a2.selector)), a2);
    ASSERT_TRUE((*s)->Delete(a2.selector));
    EXPECT_EQ((*s)->Delete(a2.selector).error().kind(), ErrorKind::kNotFound);
    EXPECT_FALSE(*(*s)->Get(a2.selector));
    EXPECT_EQ((*s)->ListByXui("sip:alice@example.org")->size(), 1u);
  }
}

// docs/cms.md "Subscriptions across a restart": dialogs are kept, replaced on refresh, removed,
// and dropped once expired.
TYPED_TEST(CmsStoreTest, SubscriptionsSurviveAReopen) {
  cms_service::Subscription a;
  a.call_id = "c1@example.org";
  a.local_tag = "t1";
  a.remote_tag = "r1";
  a.subscriber = "sip:alice@example.org";
  a.remote_uri = "sip:alice@example.org";
  a.target = {net::Transport::kUdp, "127.0.0.1", 5062};
  a.target_uri = "sip:alice@127.0.0.1:5062";
  a.local_cseq = 1;
  a.remote_cseq = 20;
  a.expires_at = 2000;
  a.watch_xui = "sip:alice@example.org";
  cms_service::Subscription b = a;
  b.call_id = "c2@example.org";
  b.watch_xui.clear();
  b.documents = {"org.3gpp.mcptt.user-profile/users/sip:bob@example.org/user-profile-1.xml",
                 "org.3gpp.mcptt.user-profile/users/sip:bob@example.org/user-profile-2.xml"};
  b.target = {net::Transport::kTcp, "::1", 5070};
  b.expires_at = 1500;
  {
    auto s = SqliteCmsStore::Open(this->storage_.options());
    ASSERT_TRUE(s) << s.error().ToString();
    ASSERT_TRUE((*s)->PutSubscription(a));
    ASSERT_TRUE((*s)->PutSubscription(b));
    a.local_cseq = 2;  // a NOTIFY went out: replaced, not added
    ASSERT_TRUE((*s)->PutSubscription(a));
  }
  auto s = SqliteCmsStore::Open(this->storage_.options());
  ASSERT_TRUE(s);
  auto all = (*s)->LoadSubscriptions(1000);
  ASSERT_TRUE(all) << all.error().ToString();
  ASSERT_EQ(all->size(), 2u);
  const auto& la = (*all)[0];
  EXPECT_EQ(la.call_id, a.call_id);
  EXPECT_EQ(la.local_cseq, 2u);
  EXPECT_EQ(la.remote_cseq, 20u);
  EXPECT_EQ(la.target, a.target);
  EXPECT_EQ(la.watch_xui, a.watch_xui);
  EXPECT_TRUE(la.documents.empty());
  EXPECT_EQ((*all)[1].documents, b.documents);
  EXPECT_EQ((*all)[1].target, b.target);
  // b expired at 1500: gone; removing a leaves nothing.
  EXPECT_EQ((*s)->LoadSubscriptions(1500)->size(), 1u);
  ASSERT_TRUE((*s)->RemoveSubscription(a.call_id, a.local_tag));
  EXPECT_TRUE((*s)->LoadSubscriptions(0)->empty());
}

TEST(SqliteCmsStore, FilePathStillOpens) {
  fs::path dir = fs::temp_directory_path() / ("kb-cmsstore-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    auto s = SqliteCmsStore::Open(dir / "cms.sqlite");
    ASSERT_TRUE(s) << s.error().ToString();
    ASSERT_TRUE((*s)->Put(Doc("sip:alice@example.org", 1, true, "<a1/>")));
  }
  auto s = SqliteCmsStore::Open(dir / "cms.sqlite");
  ASSERT_TRUE(s);
  EXPECT_EQ((*s)->ListLmrAwareXuis()->size(), 1u);
  s->reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace kb::store
