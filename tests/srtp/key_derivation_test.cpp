// RFC 3711 4.3 / B.3 and TS 33.180 7.4: session keys, the GCM salt extension, the MIKEY master
// key and the MKI forms.
#include "srtp/key_derivation.h"

#include <gtest/gtest.h>

#include "srtp/crypto_context.h"
#include "testing/vectors.h"

namespace kb::srtp {
namespace {

using kb::testing::FindVector;
using kb::testing::Hex;
using kb::testing::LoadVectors;

Bytes Plain(const SecretBytes& s) { return Bytes(s.Reveal().begin(), s.Reveal().end()); }

TEST(SrtpKdf, Rfc3711AppendixB3) {
  auto v = FindVector(LoadVectors("srtp-gcm.json"), "rfc3711-b3-key-derivation");
  Bytes key = Hex(v["inputs"]["master_key"]);
  Bytes salt = Hex(v["inputs"]["master_salt"]);
  auto ke = DeriveSessionKey(key, salt, KeyLabel::kSrtpEncryption, 16);
  auto ka = DeriveSessionKey(key, salt, KeyLabel::kSrtpAuthentication, 20);
  auto ks = DeriveSessionKey(key, salt, KeyLabel::kSrtpSalt, 14);
  ASSERT_TRUE(ke && ka && ks);
  EXPECT_EQ(Plain(*ke), Hex(v["outputs"]["k_e"]));
  EXPECT_EQ(Plain(*ka), Hex(v["outputs"]["k_a_first_20"]));
  EXPECT_EQ(Plain(*ks), Hex(v["outputs"]["k_s"]));
}

TEST(SrtpKdf, LabelsGiveDifferentKeys) {
  Bytes key(16, 0x11);
  Bytes salt(14, 0x22);
  auto a = DeriveSessionKey(key, salt, KeyLabel::kSrtpEncryption, 16);
  auto b = DeriveSessionKey(key, salt, KeyLabel::kSrtcpEncryption, 16);
  ASSERT_TRUE(a && b);
  EXPECT_NE(Plain(*a), Plain(*b));
}

TEST(SrtpKdf, RejectsWrongSizes) {
  Bytes key(16, 1);
  EXPECT_FALSE(DeriveSessionKey(key, Bytes(12, 0), KeyLabel::kSrtpSalt, 12));
  EXPECT_FALSE(DeriveSessionKey(Bytes(15, 1), Bytes(14, 0), KeyLabel::kSrtpSalt, 12));
  EXPECT_FALSE(SaltForKdf(Bytes(13, 0)));
  EXPECT_FALSE(CryptoContext::FromMasterKey(key, Bytes(14, 0)));
  EXPECT_FALSE(CryptoContext::FromMasterKey(Bytes(32, 0), Bytes(12, 0)));
}

// The GCM master salt is padded with two zero octets on the right: deriving with the 12-octet
// salt equals deriving with salt || 00 00, and differs from a left-padded salt.
TEST(SrtpKdf, GcmSaltIsPaddedWithTwoZeroOctetsOnTheRight) {
  Bytes key = Hex("000102030405060708090a0b0c0d0e0f");
  Bytes salt12 = Hex("517569642070726f2071756f");
  auto padded = SaltForKdf(salt12);
  ASSERT_TRUE(padded);
  EXPECT_EQ(Plain(*padded), Hex("517569642070726f2071756f0000"));
  Bytes left = Hex("0000517569642070726f2071756f");
  auto right_k = DeriveSessionKey(key, padded->Reveal(), KeyLabel::kSrtpEncryption, 16);
  auto left_k = DeriveSessionKey(key, left, KeyLabel::kSrtpEncryption, 16);
  ASSERT_TRUE(right_k && left_k);
  EXPECT_NE(Plain(*right_k), Plain(*left_k));
}

TEST(SrtpMasterKey, FromMikeyPrfHmacSha256) {
  auto v = FindVector(LoadVectors("mikey-prf.json"), "prf-hmac-sha256-tek-and-salt");
  auto in = v["inputs"];
  MasterKeyMaterial m = DeriveMasterKey(crypto::MikeyPrfFunc::kHmacSha256, Hex(in["tgk"]),
                                        Hex(in["cs_id"])[0], 0x0633f457u, Hex(in["rand"]));
  EXPECT_EQ(Plain(m.key), Hex(v["outputs"]["srtp_master_key"]));
  EXPECT_EQ(Plain(m.salt), Hex(v["outputs"]["srtp_master_salt"]));
  auto ctx = CryptoContext::FromMasterKey(m.key.Reveal(), m.salt.Reveal());
  EXPECT_TRUE(ctx) << ctx.error().ToString();
}

TEST(SrtpMasterKey, HmacSha1PrfGivesTheOtherValues) {
  auto v = FindVector(LoadVectors("mikey-prf.json"), "prf-hmac-sha1-negative");
  auto in = v["inputs"];
  MasterKeyMaterial m = DeriveMasterKey(crypto::MikeyPrfFunc::kHmacSha1, Hex(in["tgk"]), 4,
                                        0x0633f457u, Hex(in["rand"]));
  EXPECT_EQ(Plain(m.key), Hex(v["outputs"]["srtp_master_key"]));
  EXPECT_EQ(Plain(m.salt), Hex(v["outputs"]["srtp_master_salt"]));
}

TEST(SrtpMki, KeyIdForms) {
  EXPECT_EQ(KeyIdMki(0x1234abcd), Hex("1234abcd"));
  EXPECT_EQ(GmkMki(0x0633f457, 0x1a2b3c4d), Hex("0633f4571a2b3c4d"));
}

}  // namespace
}  // namespace kb::srtp
