// keybridge extension (seed pCR for TS 23.283 root key distribution): the IWF's distributor
// against the CMS engine in process, with real SAKKE/ECCSI keys: distribution that the users
// open, idempotent reruns, resume after an interruption, rotation, key files, the sealed vault,
// and a user without a profile.
#include "iwf/root_key_distributor.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cms_service/cms_test_fixture.h"
#include "core/encoding.h"
#include "crypto/random.h"
#include "mikey/lmr_root_key_message.h"
#include "mikey/mikey_fixture.h"

namespace kb::iwf {
namespace {

namespace fs = std::filesystem;
using cms_service::testing::CmsEngine;
using cms_service::testing::kAdmin;
using cms_service::testing::kIwf;
using mikey::testing::TestCommunity;
using mikey::testing::TestUser;

std::string ProfileTarget(const std::string& user) {
  return std::string(cms_service::kXcapRootPath) + "/" + cms::UserProfileDocumentSelector(user, 1);
}

struct DistributorFixture : ::testing::Test {
  const TestCommunity& c = TestCommunity::Get();
  TestUser iwf{kIwf, c.kms_a, c.period};
  CmsEngine cms;
  std::unique_ptr<InProcessXcapTransport> as_iwf, as_admin;
  fs::path dir =
      fs::temp_directory_path() / ("kb-rkd-" + std::to_string(::getpid()) + "-" +
                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::vector<std::string> users = {c.alice.uri, c.bob.uri, c.carol.uri};

  void SetUp() override {
    fs::remove_all(dir);
    as_iwf = std::make_unique<InProcessXcapTransport>(*cms.service, cms.Token(kIwf),
                                                      cms_service::testing::UnixNow);
    as_admin = std::make_unique<InProcessXcapTransport>(*cms.service, cms.Token(kAdmin),
                                                        cms_service::testing::UnixNow);
    for (const auto& u : users) CreateProfile(u);
  }
  void TearDown() override { fs::remove_all(dir); }

  void CreateProfile(const std::string& user) {
    auto p = cms::testing::SampleProfile(false);
    p.mc_id = user;
    auto r = as_admin->Send("PUT", ProfileTarget(user), {}, *cms::SerializeUserProfile(p), "");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 201u) << r->body;
  }
  DistributorOptions Options() {
    DistributorOptions o;
    o.data_dir = dir;
    o.storage_key = SecretBytes(ByteView(Bytes(32, 0x5A)));
    o.clock = mikey::testing::Now;
    o.workers = 2;
    return o;
  }
  DistributorIdentity Identity() { return {iwf.AsInitiator(), &c.kms_a.pub}; }
  // The element in the user's profile, opened by the user.
  Result<mikey::OpenedRootKey> OpenFor(const TestUser& user) {
    auto r =
        as_admin->Send("GET", RootKeyElementTarget(user.uri, 1, mikey::LmrType::kP25), {}, "", "");
    if (!r) return Fail(r.error());
    if (r->status != 200) return Fail(Error::NotFound("no element"));
    KB_TRY(auto el, cms::ParseLmrRootKeyElement(r->body));
    mikey::RootKeyOpenOptions o;
    o.base.now = mikey::testing::Now();
    o.authorised_iwfs = {kIwf};
    return mikey::OpenRootKeyIMessage(el.i_message, user.AsReceiver(), o);
  }
  std::unique_ptr<RootKeyVault> Vault() {
    auto v = RootKeyVault::Open(dir / kVaultFile, SecretBytes(ByteView(Bytes(32, 0x5A))));
    EXPECT_TRUE(v) << v.error().ToString();
    return v ? std::move(*v) : nullptr;
  }
};

TEST_F(DistributorFixture, DistributesThenSkipsWhatIsCurrent) {
  auto r = DistributeRootKeys(users, Identity(), *as_iwf, Options());
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->distributed, 3u);
  EXPECT_EQ(r->failed, 0u);
  auto vault = Vault();
  ASSERT_TRUE(vault);
  for (const TestUser* u : {&c.alice, &c.bob, &c.carol}) {
    auto opened = OpenFor(*u);
    ASSERT_TRUE(opened) << u->uri << ": " << opened.error().ToString();
    const RootKeyRecord* rec = vault->Current(u->uri, mikey::LmrType::kP25);
    ASSERT_NE(rec, nullptr);
    EXPECT_TRUE(opened->root_key == rec->key);
    EXPECT_EQ(opened->info.rotation_serial, 1u);
    EXPECT_EQ(opened->info.kid, 1u);
    EXPECT_EQ(opened->info.algid, 0x84);
    EXPECT_EQ(opened->root_key.size(), 32u);
    EXPECT_EQ(opened->iwf_uri, kIwf);
  }
  // One user's key does not open for another.
  auto r_bob =
      as_admin->Send("GET", RootKeyElementTarget(c.bob.uri, 1, mikey::LmrType::kP25), {}, "", "");
  auto el = cms::ParseLmrRootKeyElement(r_bob->body);
  mikey::RootKeyOpenOptions oo;
  oo.base.now = mikey::testing::Now();
  oo.authorised_iwfs = {kIwf};
  EXPECT_FALSE(mikey::OpenRootKeyIMessage(el->i_message, c.alice.AsReceiver(), oo));

  // A second run: a new run (the first ended), every profile already current.
  auto before = *cms.store.Get(cms::UserProfileDocumentSelector(c.alice.uri, 1));
  auto again = DistributeRootKeys(users, Identity(), *as_iwf, Options());
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->resumed);
  EXPECT_EQ(again->skipped, 3u);
  EXPECT_EQ(again->distributed, 0u);
  EXPECT_EQ(*cms.store.Get(cms::UserProfileDocumentSelector(c.alice.uri, 1)), before);
}

TEST_F(DistributorFixture, ResumesAfterAnInterruption) {
  std::atomic<bool> stop{false};
  auto o = Options();
  o.batch = 1;
  o.workers = 1;
  o.stop = &stop;
  auto first = DistributeRootKeys(users, Identity(), *as_iwf, o, [&](const DistributionReport& r) {
    if (r.distributed == 1) stop = true;  // "Ctrl-C" after the first user
  });
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->interrupted);
  EXPECT_EQ(first->distributed, 1u);
  auto alice_before = OpenFor(c.alice);
  ASSERT_TRUE(alice_before);
  EXPECT_FALSE(OpenFor(c.bob));

  o.stop = nullptr;
  auto second = DistributeRootKeys(users, Identity(), *as_iwf, o);
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->resumed);
  EXPECT_EQ(second->run_id, first->run_id);
  EXPECT_EQ(second->journalled, 1u);  // alice: done in this run, not touched again
  EXPECT_EQ(second->distributed, 2u);
  auto alice_after = OpenFor(c.alice);
  ASSERT_TRUE(alice_after);
  EXPECT_EQ(alice_after->csb_id, alice_before->csb_id);  // the same message, not re-sent
  EXPECT_TRUE(OpenFor(c.bob));
  EXPECT_TRUE(OpenFor(c.carol));

  // The journal holds the run, key, done and end lines.
  std::ifstream j(dir / kJournalFile);
  std::string text((std::istreambuf_iterator<char>(j)), {});
  EXPECT_NE(text.find("run " + first->run_id), std::string::npos);
  EXPECT_NE(text.find("end " + first->run_id), std::string::npos);
}

TEST_F(DistributorFixture, RotationGivesANewSerialOnce) {
  ASSERT_TRUE(DistributeRootKeys(users, Identity(), *as_iwf, Options()));
  auto old_alice = OpenFor(c.alice);
  ASSERT_TRUE(old_alice);

  // Rotation interrupted after one user, then continued without --rotate: the run keeps its
  // rotation, and no user is rotated twice.
  std::atomic<bool> stop{false};
  auto o = Options();
  o.rotate = true;
  o.batch = 1;
  o.workers = 1;
  o.stop = &stop;
  auto first = DistributeRootKeys(users, Identity(), *as_iwf, o, [&](const DistributionReport& r) {
    if (r.distributed == 1) stop = true;
  });
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->interrupted);
  auto o2 = Options();
  auto second = DistributeRootKeys(users, Identity(), *as_iwf, o2);
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->resumed);
  EXPECT_EQ(second->distributed, 2u);
  for (const TestUser* u : {&c.alice, &c.bob, &c.carol}) {
    auto opened = OpenFor(*u);
    ASSERT_TRUE(opened);
    EXPECT_EQ(opened->info.rotation_serial, 2u) << u->uri;
    EXPECT_EQ(opened->info.kid, 2u);
  }
  auto new_alice = OpenFor(c.alice);
  EXPECT_FALSE(new_alice->root_key == old_alice->root_key);
  // Afterwards: nothing to do; the vault keeps serial 2 across a reopen.
  auto third = DistributeRootKeys(users, Identity(), *as_iwf, Options());
  ASSERT_TRUE(third);
  EXPECT_EQ(third->skipped, 3u);
  auto vault = Vault();
  EXPECT_EQ(vault->Current(c.bob.uri, mikey::LmrType::kP25)->info.rotation_serial, 2u);
}

TEST_F(DistributorFixture, UserWithoutProfileFailsAndIsRetried) {
  std::vector<std::string> with_dave = users;
  with_dave.push_back("sip:erin@example.org");
  auto r = DistributeRootKeys(with_dave, Identity(), *as_iwf, Options());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->distributed, 3u);
  ASSERT_EQ(r->failed, 1u);
  EXPECT_NE(r->failures[0].error.find("no profile"), std::string::npos);
  // The run stays open; once the profile exists the rerun delivers to erin only.
  CreateProfile("sip:erin@example.org");
  auto again = DistributeRootKeys(with_dave, Identity(), *as_iwf, Options());
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->resumed);
  EXPECT_EQ(again->journalled, 3u);
  EXPECT_EQ(again->distributed, 1u);
  EXPECT_EQ(again->failed, 0u);
}

TEST_F(DistributorFixture, KeysFromAKeyFile) {
  std::string file =
      "# user type algid kid serial key name\n" + c.alice.uri +
      " p25 0x84 0x1234 5 101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f "
      "ALICE-UKEK-5\n" +
      c.bob.uri + " p25 0x85 0x0042 1 000102030405060708090a0b0c0d0e0f\n";
  auto recs = ParseRootKeyFile(file);
  ASSERT_TRUE(recs) << recs.error().ToString();
  ASSERT_EQ(recs->size(), 2u);
  auto o = Options();
  o.key_file_records = std::move(*recs);
  auto r = DistributeRootKeys({c.alice.uri, c.bob.uri, c.carol.uri}, Identity(), *as_iwf, o);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->distributed, 2u);
  ASSERT_EQ(r->failed, 1u);  // carol is not in the file
  auto a = OpenFor(c.alice);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->info.kid, 0x1234);
  EXPECT_EQ(a->info.rotation_serial, 5u);
  EXPECT_EQ(a->info.key_name, "ALICE-UKEK-5");
  EXPECT_EQ(ToHex(a->root_key.Reveal()),
            "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f");
  o.rotate = true;
  EXPECT_FALSE(DistributeRootKeys(users, Identity(), *as_iwf, o));  // no rotation with a file

  // Bad lines are refused with their line number.
  for (std::string bad : std::vector<std::string>{
           "sip:a@x p25 0x84 1 1", "sip:a@x lte 0x84 1 1 00112233445566778899aabbccddeeff",
           "sip:a@x p25 0x84 1 1 0011", "sip:a@x p25 0x84 0x10000 1 " + std::string(64, 'a'),
           "sip:a@x p25 0x85 1 1 " + std::string(64, 'a')}) {
    auto p = ParseRootKeyFile("# header\n" + bad + "\n");
    ASSERT_FALSE(p) << bad;
    EXPECT_NE(p.error().message().find("line 2"), std::string::npos) << p.error().message();
  }
}

TEST_F(DistributorFixture, VaultIsSealed) {
  ASSERT_TRUE(DistributeRootKeys({c.alice.uri}, Identity(), *as_iwf, Options()));
  std::ifstream f(dir / kVaultFile);
  std::string text((std::istreambuf_iterator<char>(f)), {});
  auto v = Vault();
  ASSERT_TRUE(v);
  std::string key_hex = ToHex(v->Current(c.alice.uri, mikey::LmrType::kP25)->key.Reveal());
  EXPECT_EQ(text.find(key_hex), std::string::npos);  // the key is not in the clear
  EXPECT_EQ((fs::status(dir / kVaultFile).permissions() & fs::perms::group_all), fs::perms::none);
  // Another storage key does not open it; a torn last line is ignored; a changed record fails.
  EXPECT_FALSE(RootKeyVault::Open(dir / kVaultFile, SecretBytes(ByteView(Bytes(32, 0x11)))));
  {
    std::ofstream a(dir / kVaultFile, std::ios::app);
    a << "rk1 0011";
  }
  EXPECT_TRUE(Vault());
  std::string tampered = text;
  tampered[tampered.find(" 1 ") + 1] = '9';  // the serial field (bound as AAD)
  {
    std::ofstream w(dir / kVaultFile, std::ios::trunc);
    w << tampered;
  }
  EXPECT_FALSE(RootKeyVault::Open(dir / kVaultFile, SecretBytes(ByteView(Bytes(32, 0x5A)))));
}

TEST_F(DistributorFixture, ListsLmrAwareUsers) {
  auto l = ListLmrAwareUsers(*as_iwf);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->size(), 3u);
  cms_service::testing::CmsEngine other;
  InProcessXcapTransport alice(*cms.service, cms.Token(c.alice.uri), cms_service::testing::UnixNow);
  EXPECT_FALSE(ListLmrAwareUsers(alice));
}

}  // namespace
}  // namespace kb::iwf
