// keybridge extension (NOT 3GPP): the client's root key path (docs/client.md "Root key"): a
// root key from the profile installed as the UKEK, then a KMF Rekey-Command wrapped under it
// decrypts; forged, replayed, rolled back, foreign-signed or misaddressed root keys are refused
// and nothing changes; the key-fill path.
#include "client/root_key_install.h"

#include <gtest/gtest.h>

#include "client/client_fixture.h"
#include "client/key_report.h"
#include "client/su_state.h"

namespace kb::client {
namespace {

using namespace testing;

RootKeyPolicy Policy() {
  RootKeyPolicy p;
  p.authorised_iwfs = {kIwf};
  return p;
}

// Everything observable of the unit and the extras, to show that a refusal changed nothing.
std::string Snapshot(const p25::SubscriberUnit& su, const ClientExtras& extras) {
  auto plain = EncodeSuState(su, extras);
  EXPECT_TRUE(plain);
  return ToHex(plain ? plain->Reveal() : ByteView{});
}

TEST(RootKeyInstall, ProfileRootKeyThenRekeyUnderItDecrypts) {
  p25::SubscriberUnit su = EmptySu();
  ClientExtras extras;
  mikey::RootKey ukek = Ukek();
  std::string xml = Profile(ukek.info, RootKeyMessage(ukek, Pki::Get().Iwf()));

  // Before: the KMF's Rekey-Command cannot be checked (no MAC key), nothing is stored.
  SecretBytes tek = Seq(0xA0, 32);
  auto before = su.Process(RekeyUnderUkek(ukek.key, 0x1234, tek, 0x0042, 1));
  ASSERT_TRUE(before) << before.error().ToString();
  EXPECT_NE(before->status, p25::OperationStatus::kCommandPerformed);
  EXPECT_EQ(su.keys().Find(1, 0x84, 0x0042), nullptr);

  auto r = InstallRootKeyFromProfile(xml, Pki::Get().Alice(), Policy(), kNow, su, extras);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(*r, RootKeyOutcome::kInstalled);
  const p25::StoredKey* k = su.keys().FindKek(0x84, 0x1234);
  ASSERT_NE(k, nullptr);
  EXPECT_TRUE(k->key == ukek.key);
  ASSERT_TRUE(extras.root_key);
  EXPECT_EQ(extras.root_key->rotation_serial, 7u);
  EXPECT_EQ(extras.root_key->iwf_uri, kIwf);
  EXPECT_EQ(extras.root_key->source, RootKeySource::kCms);

  // The same profile again (a NOTIFY for another change): nothing to do.
  auto again = InstallRootKeyFromProfile(xml, Pki::Get().Alice(), Policy(), kNow, su, extras);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, RootKeyOutcome::kUnchanged);

  // After: the Rekey-Command verifies and the TEK unwraps.
  auto after = su.Process(RekeyUnderUkek(ukek.key, 0x1234, tek, 0x0042, 2));
  ASSERT_TRUE(after) << after.error().ToString();
  EXPECT_EQ(after->status, p25::OperationStatus::kCommandPerformed);
  const p25::StoredKey* t = su.keys().Find(1, 0x84, 0x0042);
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(t->key == tek);
  auto ack = p25::Kmm::Decode(*after->response);
  ASSERT_TRUE(ack);
  EXPECT_TRUE(std::holds_alternative<p25::RekeyAcknowledgment>(ack->body));

  // The report names the keys and fingerprints, never the values.
  std::string report = DescribeKeyStore(su, extras).dump();
  EXPECT_NE(report.find(KeyFingerprint(ukek.key)), std::string::npos);
  EXPECT_NE(report.find("0x1234"), std::string::npos);
  EXPECT_EQ(report.find(ToHex(ukek.key.Reveal())), std::string::npos);
  EXPECT_EQ(report.find(ToHex(tek.Reveal())), std::string::npos);
}

TEST(RootKeyInstall, RotationReplacesTheUkekAndRollbackIsRefused) {
  p25::SubscriberUnit su = EmptySu();
  ClientExtras extras;
  mikey::RootKey first = Ukek(0x1234, 7, 0x10);
  Bytes first_msg = RootKeyMessage(first, Pki::Get().Iwf());
  ASSERT_TRUE(InstallRootKeyFromProfile(Profile(first.info, first_msg), Pki::Get().Alice(),
                                        Policy(), kNow, su, extras));
  mikey::RootKey second = Ukek(0x1235, 8, 0x30);
  auto r = InstallRootKeyFromProfile(Profile(second.info, RootKeyMessage(second, Pki::Get().Iwf())),
                                     Pki::Get().Alice(), Policy(), kNow, su, extras);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(*r, RootKeyOutcome::kInstalled);
  EXPECT_EQ(su.keys().FindKek(0x84, 0x1234), nullptr);  // the old UKEK is gone
  ASSERT_NE(su.keys().FindKek(0x84, 0x1235), nullptr);
  EXPECT_EQ(extras.root_key->rotation_serial, 8u);

  // The old (genuine, signed) element served again: a rollback.
  std::string snap = Snapshot(su, extras);
  auto old = InstallRootKeyFromProfile(Profile(first.info, first_msg), Pki::Get().Alice(), Policy(),
                                       kNow, su, extras);
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().kind(), ErrorKind::kReplay) << old.error().ToString();
  EXPECT_EQ(Snapshot(su, extras), snap);
}

TEST(RootKeyInstall, RefusalsChangeNothing) {
  p25::SubscriberUnit su = EmptySu();
  ClientExtras extras;
  mikey::RootKey ukek = Ukek();
  Bytes good = RootKeyMessage(ukek, Pki::Get().Iwf());
  ASSERT_TRUE(InstallRootKeyFromProfile(Profile(ukek.info, good), Pki::Get().Alice(), Policy(),
                                        kNow, su, extras));
  std::string snap = Snapshot(su, extras);

  mikey::RootKey next = Ukek(0x2000, 9, 0x50);
  Bytes next_msg = RootKeyMessage(next, Pki::Get().Iwf());
  Bytes forged = next_msg;
  forged[forged.size() - 140] ^= 0x01;  // inside the signed part (just before SIGN)
  mikey::RootKeyInfo relabelled = next.info;
  relabelled.kid = 0x2001;
  struct Case {
    const char* what;
    std::string xml;
    mikey::ReceiverIdentity me;
    RootKeyPolicy policy;
    NtpTime now;
    ErrorKind kind;
  };
  RootKeyPolicy none = Policy();
  none.authorised_iwfs.clear();
  std::vector<Case> cases;
  cases.push_back({"forged (one bit)", Profile(next.info, forged), Pki::Get().Alice(), Policy(),
                   kNow, ErrorKind::kCryptoFailure});
  cases.push_back({"signed by a non-IWF",
                   Profile(next.info, RootKeyMessage(next, Pki::Get().Mallory()), kAlice, kMallory),
                   Pki::Get().Alice(), Policy(), kNow, ErrorKind::kUnauthorised});
  cases.push_back({"no IWF authorised", Profile(next.info, next_msg), Pki::Get().Alice(), none,
                   kNow, ErrorKind::kUnauthorised});
  cases.push_back({"clear attributes relabelled", Profile(relabelled, next_msg), Pki::Get().Alice(),
                   Policy(), kNow, ErrorKind::kMalformed});
  cases.push_back({"another user's profile",
                   Profile(next.info, RootKeyMessage(next, Pki::Get().Iwf(), kBob), kBob),
                   Pki::Get().Alice(), Policy(), kNow, ErrorKind::kWrongRecipient});
  cases.push_back({"bob's message in alice's profile",
                   Profile(next.info, RootKeyMessage(next, Pki::Get().Iwf(), kBob)),
                   Pki::Get().Alice(), Policy(), kNow, ErrorKind::kWrongRecipient});
  cases.push_back({"stale beyond the skew", Profile(next.info, next_msg), Pki::Get().Alice(),
                   Policy(), NtpTime::FromSeconds(kNow.seconds() + 40 * 86400),
                   ErrorKind::kExpired});
  cases.push_back(
      {"not a profile", "<x/>", Pki::Get().Alice(), Policy(), kNow, ErrorKind::kMalformed});
  for (const auto& c : cases) {
    auto r = InstallRootKeyFromProfile(c.xml, c.me, c.policy, c.now, su, extras);
    ASSERT_FALSE(r) << c.what;
    EXPECT_EQ(r.error().kind(), c.kind) << c.what << ": " << r.error().ToString();
    EXPECT_EQ(Snapshot(su, extras), snap) << c.what;
  }
}

TEST(RootKeyInstall, TetraRootKeyIsRefusedCleanly) {
  p25::SubscriberUnit su = EmptySu();
  ClientExtras extras;
  mikey::OpenedRootKey opened;
  opened.info.lmr_type = mikey::LmrType::kTetra;
  opened.info.key_kind = mikey::RootKeyKind::kTetraKek;
  opened.root_key = Seq(1, 10);
  auto st = InstallOpenedRootKey(su, extras, opened);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind(), ErrorKind::kUnsupported);
  EXPECT_EQ(su.keys().KeyCount(), 0u);
  EXPECT_FALSE(extras.root_key);
}

TEST(RootKeyInstall, KeyFillInstallsTheUkekAndStaysUntilANewerRotation) {
  p25::SubscriberUnit su = EmptySu();
  ClientExtras extras;
  KeyFill fill;
  fill.rsi = kAliceRsi;
  fill.algid = 0x84;
  fill.kid = 0x0777;
  fill.name = "FILLED";
  fill.key = Seq(0x70, 32);
  ASSERT_TRUE(InstallKeyFill(fill, su, extras));
  ASSERT_NE(su.keys().FindKek(0x84, 0x0777), nullptr);
  EXPECT_EQ(extras.root_key->source, RootKeySource::kKeyFill);
  SecretBytes tek = Seq(0xC0, 32);
  auto r = su.Process(RekeyUnderUkek(fill.key, 0x0777, tek, 9, 5));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, p25::OperationStatus::kCommandPerformed);

  KeyFill other = {0x000001, 0x84, 1, 0xFF, 0, "", Seq(1, 32)};
  auto wrong = InstallKeyFill(other, su, extras);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().kind(), ErrorKind::kWrongRecipient);

  // A profile root key with serial 0 does not replace the filled key; serial 7 does.
  mikey::RootKey zero = Ukek(0x1234, 0);
  auto z = InstallRootKeyFromProfile(Profile(zero.info, RootKeyMessage(zero, Pki::Get().Iwf())),
                                     Pki::Get().Alice(), Policy(), kNow, su, extras);
  ASSERT_TRUE(z) << z.error().ToString();
  EXPECT_EQ(*z, RootKeyOutcome::kUnchanged);
  mikey::RootKey seven = Ukek(0x1234, 7);
  auto s = InstallRootKeyFromProfile(Profile(seven.info, RootKeyMessage(seven, Pki::Get().Iwf())),
                                     Pki::Get().Alice(), Policy(), kNow, su, extras);
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ(*s, RootKeyOutcome::kInstalled);
  EXPECT_EQ(su.keys().FindKek(0x84, 0x0777), nullptr);
}

}  // namespace
}  // namespace kb::client
