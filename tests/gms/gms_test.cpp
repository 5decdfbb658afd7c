// TS 33.180 5.7 / 7.3 / E.2 / E.6 / F.1.3 and Annex L.5: GMK distribution to every member and the
// IWF, opened by each recipient (same GMK, own GUK-ID, key parameters with the group ID and the
// security-gateway status bit), rekey on membership change, temporary groups, failures that store
// nothing.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "gms/group_management_server.h"
#include "mikey/i_message_opener.h"
#include "mikey/mikey_fixture.h"

namespace kb::gms {
namespace {

using mikey::testing::DefaultOpen;
using mikey::testing::Now;
using mikey::testing::TestCommunity;
using mikey::testing::TestUser;

const TestUser& Iwf() {
  static const TestUser* iwf =
      new TestUser("sip:iwf@example.org", TestCommunity::Get().kms_a, TestCommunity::Get().period);
  return *iwf;
}

std::map<std::string, const TestUser*> Users() {
  const auto& c = TestCommunity::Get();
  return {{c.alice.uri, &c.alice},
          {c.bob.uri, &c.bob},
          {c.carol.uri, &c.carol},
          {c.dave.uri, &c.dave},
          {Iwf().uri, &Iwf()}};
}

GmsConfig Config() {
  GmsConfig c;
  c.identity = TestCommunity::Get().gms.AsInitiator();
  c.iwf_uri = Iwf().uri;
  c.lookup = [](std::string_view uri) -> Result<mikey::Responder> {
    auto users = Users();
    auto it = users.find(std::string(uri));
    if (it == users.end()) return Fail(Error::NotFound("no KMS for " + std::string(uri)));
    return it->second->AsResponder();
  };
  return c;
}

mikey::OpenOptions Open() {
  auto o = DefaultOpen();
  o.expected_key_type = crypto::PurposeTag::kGmk;
  o.trusted_kms = {&TestCommunity::Get().kms_a.pub};
  return o;
}

// What a recipient learns from its delivery.
mikey::OpenedIMessage OpenFor(const KeyDelivery& d) {
  auto users = Users();
  auto opened = mikey::OpenIMessage(d.i_message, users.at(d.recipient)->AsReceiver(), Open());
  EXPECT_TRUE(opened) << d.recipient << ": " << opened.error().ToString();
  return std::move(*opened);
}

const std::string kAlice = "sip:alice@example.org";
const std::string kBob = "sip:bob@example.org";
const std::string kCarol = "sip:carol@example.org";
const std::string kDave = "sip:dave@other.example";

TEST(Gms, EveryMemberAndTheIwfGetTheSameGmkWithTheirOwnGukId) {
  MemoryGmsStore store;
  GroupManagementServer gms(store, Config());
  auto r = gms.CreateGroup("sip:fire@example.org", {kBob, kAlice}, true, true, Now());
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->group.members, (std::vector<std::string>{kAlice, kBob}));
  ASSERT_EQ(r->deliveries.size(), 3u);  // alice, bob, the IWF
  EXPECT_EQ(crypto::PurposeTagOf(r->group.gmk_id), 0);
  std::optional<SecretBytes> first;
  std::set<uint32_t> guk_ids;
  std::set<Bytes> rands;
  for (const auto& d : r->deliveries) {
    auto o = OpenFor(d);
    rands.insert(o.rand);
    EXPECT_EQ(o.key_type, crypto::PurposeTag::kGmk);
    EXPECT_EQ(o.key_id, r->group.gmk_id);  // GMK-ID recovered from the GUK-ID
    EXPECT_EQ(o.csb_id, d.guk_id);
    EXPECT_EQ(d.guk_id, crypto::GukIdFromGmkId(r->group.gmk_id, o.key.Reveal(), d.recipient));
    guk_ids.insert(o.csb_id);
    EXPECT_EQ(o.initiator_uri, "sip:gms@example.org");
    ASSERT_TRUE(o.key_parameters);
    EXPECT_TRUE(o.key_parameters->not_revoked());
    EXPECT_TRUE(o.key_parameters->shared_with_security_gateway());
    ASSERT_EQ(o.key_parameters->group_ids.size(), 1u);
    EXPECT_EQ(o.key_parameters->group_ids[0].id, "sip:fire@example.org");
    if (!first) {
      first = o.key.Clone();
    } else {
      EXPECT_TRUE(ConstantTimeEqual(first->Reveal(), o.key.Reveal()));
    }
  }
  EXPECT_EQ(guk_ids.size(), 3u);  // end-point diversity
  // One RAND for every copy: members derive each other's SRTP keys (docs/calls.md).
  EXPECT_EQ(rands.size(), 1u);
  auto stored = store.ListDeliveries("sip:fire@example.org");
  ASSERT_TRUE(stored);
  EXPECT_EQ(*stored, r->deliveries);
}

TEST(Gms, GroupsTheIwfDoesNotTerminateLackTheStatusBitAndNonInterworkingGroupsTheIwf) {
  MemoryGmsStore store;
  GroupManagementServer gms(store, Config());
  auto e2ee = gms.CreateGroup("sip:e2ee@example.org", {kAlice}, true, false, Now());
  ASSERT_TRUE(e2ee);
  ASSERT_EQ(e2ee->deliveries.size(), 2u);
  for (const auto& d : e2ee->deliveries) {
    EXPECT_FALSE(OpenFor(d).key_parameters->shared_with_security_gateway());
  }
  auto mc_only = gms.CreateGroup("sip:mc@example.org", {kAlice, kBob}, false, false, Now());
  ASSERT_TRUE(mc_only);
  for (const auto& d : mc_only->deliveries) EXPECT_NE(d.recipient, Iwf().uri);
}

TEST(Gms, MembershipChangesRekey) {
  MemoryGmsStore store;
  GroupManagementServer gms(store, Config());
  auto created = gms.CreateGroup("sip:g@example.org", {kAlice, kBob}, true, false, Now());
  ASSERT_TRUE(created);
  auto added = gms.AddMember("sip:g@example.org", kCarol, Now());
  ASSERT_TRUE(added) << added.error().ToString();
  EXPECT_NE(added->group.gmk_id, created->group.gmk_id);
  EXPECT_EQ(added->group.revision, created->group.revision + 1);
  EXPECT_EQ(added->deliveries.size(), 4u);
  auto old_gmk = OpenFor(created->deliveries[0]).key.Clone();
  auto new_gmk = OpenFor(added->deliveries[0]).key.Clone();
  EXPECT_FALSE(ConstantTimeEqual(old_gmk.Reveal(), new_gmk.Reveal()));

  auto removed = gms.RemoveMember("sip:g@example.org", kBob, Now());
  ASSERT_TRUE(removed);
  auto bobs = store.FindDelivery("sip:g@example.org", kBob);
  ASSERT_TRUE(bobs);
  EXPECT_FALSE(*bobs);  // no copy of the new GMK for bob
  // bob cannot open anyone else's copy either.
  auto users = Users();
  for (const auto& d : removed->deliveries) {
    auto o = mikey::OpenIMessage(d.i_message, users.at(kBob)->AsReceiver(), Open());
    ASSERT_FALSE(o);
    EXPECT_EQ(o.error().kind(), ErrorKind::kWrongRecipient);
  }
  EXPECT_EQ(gms.AddMember("sip:g@example.org", kAlice, Now()).error().kind(), ErrorKind::kConflict);
  EXPECT_EQ(gms.RemoveMember("sip:g@example.org", kBob, Now()).error().kind(),
            ErrorKind::kConflict);
  EXPECT_EQ(gms.AddMember("sip:nope@example.org", kBob, Now()).error().kind(),
            ErrorKind::kNotFound);
}

TEST(Gms, TemporaryGroupsHaveTheirOwnGmkAndAreDissolved) {
  MemoryGmsStore store;
  GroupManagementServer gms(store, Config());
  auto a = gms.CreateGroup("sip:a@example.org", {kAlice, kBob}, false, false, Now());
  auto b = gms.CreateGroup("sip:b@example.org", {kBob, kCarol}, true, true, Now());
  ASSERT_TRUE(a && b);
  auto t =
      gms.FormTemporary("sip:tg@example.org", {"sip:a@example.org", "sip:b@example.org"}, Now());
  ASSERT_TRUE(t) << t.error().ToString();
  EXPECT_TRUE(t->group.temporary);
  EXPECT_EQ(t->group.members, (std::vector<std::string>{kAlice, kBob, kCarol}));
  EXPECT_EQ(t->group.formed_from,
            (std::vector<std::string>{"sip:a@example.org", "sip:b@example.org"}));
  EXPECT_TRUE(t->group.iwf_terminates);
  EXPECT_EQ(t->deliveries.size(), 4u);
  auto tk = OpenFor(t->deliveries[0]);
  EXPECT_EQ(tk.key_parameters->group_ids[0].id, "sip:tg@example.org");
  for (const auto& d : {a->deliveries[0], b->deliveries[0]}) {
    EXPECT_FALSE(ConstantTimeEqual(OpenFor(d).key.Reveal(), tk.key.Reveal()));
  }
  EXPECT_EQ(gms.Dissolve("sip:a@example.org").error().kind(), ErrorKind::kInvalidArgument);
  ASSERT_TRUE(gms.Dissolve("sip:tg@example.org"));
  EXPECT_FALSE(*store.FindGroup("sip:tg@example.org"));
  EXPECT_TRUE(store.ListDeliveries("sip:tg@example.org")->empty());
  EXPECT_TRUE(*store.FindGroup("sip:a@example.org"));  // constituents stay
  EXPECT_EQ(gms.FormTemporary("sip:t2@example.org", {"sip:none@example.org"}, Now()).error().kind(),
            ErrorKind::kNotFound);
}

TEST(Gms, AnUnknownRecipientStoresNothing) {
  MemoryGmsStore store;
  GroupManagementServer gms(store, Config());
  auto r =
      gms.CreateGroup("sip:x@example.org", {kAlice, "sip:ghost@example.org"}, false, false, Now());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kNotFound);
  EXPECT_FALSE(*store.FindGroup("sip:x@example.org"));
  auto ok = gms.CreateGroup("sip:x@example.org", {kAlice}, false, false, Now());
  ASSERT_TRUE(ok);
  auto bad = gms.AddMember("sip:x@example.org", "sip:ghost@example.org", Now());
  ASSERT_FALSE(bad);
  auto still = store.FindGroup("sip:x@example.org");
  EXPECT_EQ((*still)->members, std::vector<std::string>{kAlice});
  EXPECT_EQ((*still)->gmk_id, ok->group.gmk_id);
  EXPECT_EQ(gms.CreateGroup("sip:x@example.org", {kAlice}, false, false, Now()).error().kind(),
            ErrorKind::kConflict);
  EXPECT_FALSE(gms.CreateGroup("sip:empty@example.org", {}, false, false, Now()));
}

TEST(Gms, ACrossCommunityMemberIsReachedThroughItsOwnKms) {
  MemoryGmsStore store;
  GroupManagementServer gms(store, Config());
  auto r = gms.CreateGroup("sip:cross@example.org", {kAlice, kDave}, false, false, Now());
  ASSERT_TRUE(r);
  const auto& c = TestCommunity::Get();
  for (const auto& d : r->deliveries) {
    if (d.recipient != kDave) continue;
    auto o = DefaultOpen();
    o.trusted_kms = {&c.kms_a.pub};
    auto opened = mikey::OpenIMessage(d.i_message, c.dave.AsReceiver(), o);
    ASSERT_TRUE(opened) << opened.error().ToString();
    // Without trusting the GMS's KMS, dave refuses it.
    auto refused = mikey::OpenIMessage(d.i_message, c.dave.AsReceiver(), DefaultOpen());
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind(), ErrorKind::kUnauthorised);
  }
}

}  // namespace
}  // namespace kb::gms
