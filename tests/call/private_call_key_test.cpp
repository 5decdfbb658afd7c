// TS 33.180 E.3 / 7.4.1 with seed requirement a: the IWF generates the PCK for an LMR user's
// call, signs the I_MESSAGE with its own identity, carries it in the INVITE's SDP; the MC user
// opens it and both ends derive the same SRTP master keys. Negatives: wrong addressee, a signer
// other than the caller, a tampered message, no key-mgmt.
#include "call/private_call_key.h"

#include <gtest/gtest.h>

#include "core/encoding.h"
#include "mikey/mikey_fixture.h"

namespace kb::call {
namespace {

using mikey::testing::DefaultOpen;
using mikey::testing::Now;
using mikey::testing::TestCommunity;
using mikey::testing::TestUser;

// The IWF is provisioned by the KMS like a user (mc-security.md 12.6).
const TestUser& Iwf() {
  static const TestUser* iwf =
      new TestUser("sip:iwf@example.org", TestCommunity::Get().kms_a, TestCommunity::Get().period);
  return *iwf;
}

CallMedia OfferFromIwf(const PrivateCallKey& key) {
  CallMedia offer;
  offer.audio_port = 41000;
  offer.codecs = {Codec::kP25Imbe, Codec::kAmrWb};
  offer.lmr_encryption = LmrEncryption{EncryptionMode::kNone, std::nullopt, false};
  AttachPrivateCallKey(offer, key);
  return offer;
}

// The offer as the MC user reads it from the INVITE body.
CallMedia Received(const CallMedia& offer) {
  auto sd = SessionDescription::Parse(BuildSdp(offer, 77).Serialise());
  EXPECT_TRUE(sd);
  auto m = ReadSdp(*sd);
  EXPECT_TRUE(m) << m.error().ToString();
  return *m;
}

TEST(PrivateCallKey, McUserOpensTheIwfPckAndDerivesTheSameSrtpKeys) {
  const auto& c = TestCommunity::Get();
  auto key = CreatePrivateCallKey(Iwf().AsInitiator(), c.alice.AsResponder(), Now());
  ASSERT_TRUE(key) << key.error().ToString();
  EXPECT_EQ(key->pck.size(), 16u);
  EXPECT_EQ(crypto::PurposeTagOf(key->pck_id), static_cast<uint8_t>(crypto::PurposeTag::kPck));
  CallMedia offer = Received(OfferFromIwf(*key));
  ASSERT_TRUE(offer.mikey);
  EXPECT_EQ(*offer.mikey, key->i_message);

  auto opened = OpenPrivateCallKey(offer, c.alice.AsReceiver(), DefaultOpen(), Iwf().uri);
  ASSERT_TRUE(opened) << opened.error().ToString();
  EXPECT_EQ(opened->pck_id, key->pck_id);
  EXPECT_EQ(opened->rand, key->rand);
  EXPECT_TRUE(ConstantTimeEqual(opened->pck.Reveal(), key->pck.Reveal()));
  for (uint8_t cs_id : {kCsIdPrivateInitiator, kCsIdPrivateReceiver}) {
    auto iwf_side = PrivateCallMasterKey(*key, cs_id);
    auto mc_side = PrivateCallMasterKey(*opened, cs_id);
    EXPECT_EQ(iwf_side.key.size(), srtp::kMasterKeySize);
    EXPECT_EQ(iwf_side.salt.size(), srtp::kMasterSaltSize);
    EXPECT_TRUE(ConstantTimeEqual(iwf_side.key.Reveal(), mc_side.key.Reveal()));
    EXPECT_TRUE(ConstantTimeEqual(iwf_side.salt.Reveal(), mc_side.salt.Reveal()));
  }
  // The two streams get different keys.
  EXPECT_FALSE(ConstantTimeEqual(PrivateCallMasterKey(*key, 0).key.Reveal(),
                                 PrivateCallMasterKey(*key, 1).key.Reveal()));
  // Each call gets a fresh key.
  auto second = CreatePrivateCallKey(Iwf().AsInitiator(), c.alice.AsResponder(), Now());
  ASSERT_TRUE(second);
  EXPECT_FALSE(ConstantTimeEqual(second->pck.Reveal(), key->pck.Reveal()));
  EXPECT_NE(second->pck_id, key->pck_id);
}

TEST(PrivateCallKey, DerivationMatchesTheMikeyPrfVector) {
  // mc-security.md section 8 (Streamwide tek_and_salt), through this function's path.
  PrivateCallKey k;
  k.pck = SecretBytes(*FromHex("A27B7D578EEB9B1EE7705E385996D300"));
  k.pck_id = 0x0633F457;
  k.rand = *FromHex("4339F62F55AAC86348846A482C893802");
  auto m = PrivateCallMasterKey(k, 4);
  EXPECT_EQ(ToHex(m.key.Reveal()), "59aaa49ebb54813602b7cc165961b4e8");
  EXPECT_EQ(ToHex(m.salt.Reveal()), "745eb4df7d155c473114a799");
}

TEST(PrivateCallKey, OnlyTheAddresseeOpensIt) {
  const auto& c = TestCommunity::Get();
  auto key = CreatePrivateCallKey(Iwf().AsInitiator(), c.alice.AsResponder(), Now());
  ASSERT_TRUE(key);
  CallMedia offer = Received(OfferFromIwf(*key));
  auto bob = OpenPrivateCallKey(offer, c.bob.AsReceiver(), DefaultOpen(), Iwf().uri);
  ASSERT_FALSE(bob);
  EXPECT_EQ(bob.error().kind(), ErrorKind::kWrongRecipient);
}

TEST(PrivateCallKey, ASignerOtherThanTheCallerIsRefused) {
  const auto& c = TestCommunity::Get();
  // carol signs a PCK to alice, but the INVITE claims to come from the IWF.
  auto key = CreatePrivateCallKey(c.carol.AsInitiator(), c.alice.AsResponder(), Now());
  ASSERT_TRUE(key);
  CallMedia offer = Received(OfferFromIwf(*key));
  auto r = OpenPrivateCallKey(offer, c.alice.AsReceiver(), DefaultOpen(), Iwf().uri);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kUnauthorised);
  EXPECT_NE(r.error().message().find("sip:carol@example.org"), std::string::npos);
}

TEST(PrivateCallKey, TamperedOrMissingKeyIsRefused) {
  const auto& c = TestCommunity::Get();
  auto key = CreatePrivateCallKey(Iwf().AsInitiator(), c.alice.AsResponder(), Now());
  ASSERT_TRUE(key);
  CallMedia offer = OfferFromIwf(*key);
  (*offer.mikey)[offer.mikey->size() - 10] ^= 0x01;  // inside the signature
  auto r = OpenPrivateCallKey(Received(offer), c.alice.AsReceiver(), DefaultOpen(), Iwf().uri);
  ASSERT_FALSE(r);
  offer.mikey.reset();
  auto none = OpenPrivateCallKey(offer, c.alice.AsReceiver(), DefaultOpen(), Iwf().uri);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().kind(), ErrorKind::kMalformed);
}

TEST(PrivateCallKey, AGmkInTheOfferIsNotAPck) {
  const auto& c = TestCommunity::Get();
  auto gmk = mikey::CreateIMessage(c.gms.AsInitiator(), c.alice.AsResponder(),
                                   mikey::testing::Gmk(), mikey::testing::DefaultCreate());
  ASSERT_TRUE(gmk);
  CallMedia offer;
  offer.codecs = {Codec::kAmrWb};
  offer.mikey = gmk->message;
  auto r = OpenPrivateCallKey(offer, c.alice.AsReceiver(), DefaultOpen(), c.gms.uri);
  ASSERT_FALSE(r);
}

}  // namespace
}  // namespace kb::call
