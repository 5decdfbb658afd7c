// TS 33.220 Annex B KDF input, the MIKEY PRF (RFC 3830 4.1.2, RFC 6043 6.1) against
// mikey-prf.json, and SP 800-108 counter mode.
#include "crypto/kdf.h"

#include <gtest/gtest.h>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "testing/vectors.h"

namespace kb::crypto {
namespace {

using kb::testing::FindVector;
using kb::testing::Hex;

Bytes Unhex(std::string_view hex) { return Hex(std::string(hex)); }
using kb::testing::LoadVectors;

uint32_t U32(const nlohmann::json& j) {
  Bytes b = Hex(j);
  EXPECT_EQ(b.size(), 4u);
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
}

TEST(Kdf33220, InputLayout) {
  Bytes s = Kdf33220Input(0x50, {AsBytes("ab"), ByteView{}, Unhex("010203")});
  EXPECT_EQ(ToHex(s),
            "50"
            "6162"
            "0002"
            "0000"
            "010203"
            "0003");
}

TEST(Kdf33220, IsHmacSha256OverS) {
  Bytes key = Unhex("000102030405060708090a0b0c0d0e0f");
  SecretBytes k = Kdf33220(key, 0x53, {Unhex("cafebabe")});
  Sha256Digest d = HmacSha256(key, Unhex("53cafebabe0004"));
  EXPECT_EQ(ToHex(k.Reveal()), ToHex(d));
}

TEST(MikeyPrf, HmacSha256TekAndSalt) {
  auto v = FindVector(LoadVectors("mikey-prf.json"), "prf-hmac-sha256-tek-and-salt");
  const auto& in = v.at("inputs");
  Bytes tgk = Hex(in.at("tgk"));
  Bytes rand = Hex(in.at("rand"));
  uint8_t cs_id = Hex(in.at("cs_id")).at(0);
  uint32_t csb_id = U32(in.at("csb_id"));
  ASSERT_EQ(U32(in.at("const_tek")), kMikeyTekConst);
  ASSERT_EQ(U32(in.at("const_salt")), kMikeySaltConst);
  SecretBytes key =
      MikeyDerive(MikeyPrfFunc::kHmacSha256, tgk, kMikeyTekConst, cs_id, csb_id, rand, 16);
  SecretBytes salt =
      MikeyDerive(MikeyPrfFunc::kHmacSha256, tgk, kMikeySaltConst, cs_id, csb_id, rand, 12);
  EXPECT_EQ(ToHex(key.Reveal()), v.at("outputs").at("srtp_master_key").get<std::string>());
  EXPECT_EQ(ToHex(salt.Reveal()), v.at("outputs").at("srtp_master_salt").get<std::string>());
}

// The HMAC-SHA1 PRF (MIKEY-1) gives the self-generated negative values, and they differ from
// the SHA-256 ones: a mix-up of the two PRFs is caught in both directions.
TEST(MikeyPrf, HmacSha1NegativeVector) {
  auto doc = LoadVectors("mikey-prf.json");
  auto v = FindVector(doc, "prf-hmac-sha1-negative");
  auto good = FindVector(doc, "prf-hmac-sha256-tek-and-salt");
  const auto& in = v.at("inputs");
  Bytes tgk = Hex(in.at("tgk"));
  Bytes rand = Hex(in.at("rand"));
  uint8_t cs_id = Hex(in.at("cs_id")).at(0);
  uint32_t csb_id = U32(in.at("csb_id"));
  SecretBytes key =
      MikeyDerive(MikeyPrfFunc::kHmacSha1, tgk, kMikeyTekConst, cs_id, csb_id, rand, 16);
  SecretBytes salt =
      MikeyDerive(MikeyPrfFunc::kHmacSha1, tgk, kMikeySaltConst, cs_id, csb_id, rand, 12);
  EXPECT_EQ(ToHex(key.Reveal()), v.at("outputs").at("srtp_master_key").get<std::string>());
  EXPECT_EQ(ToHex(salt.Reveal()), v.at("outputs").at("srtp_master_salt").get<std::string>());
  EXPECT_NE(ToHex(key.Reveal()), good.at("outputs").at("srtp_master_key").get<std::string>());
}

// Longer outputs are a prefix-extension; inkeys over 256 bits are XORed chunk by chunk.
TEST(MikeyPrf, LongOutputAndLongInkey) {
  Bytes label = Unhex("2ad01c64040633f457");
  Bytes k32(32, 0x11);
  SecretBytes short_out = MikeyPrf(MikeyPrfFunc::kHmacSha256, k32, label, 16);
  SecretBytes long_out = MikeyPrf(MikeyPrfFunc::kHmacSha256, k32, label, 80);
  EXPECT_TRUE(ConstantTimeEqual(long_out.Reveal().first(16), short_out.Reveal()));

  Bytes k48(48, 0x11);
  for (size_t i = 32; i < 48; ++i) k48[i] = 0x22;
  SecretBytes a = MikeyPrf(MikeyPrfFunc::kHmacSha256, ByteView(k48).first(32), label, 40);
  SecretBytes b = MikeyPrf(MikeyPrfFunc::kHmacSha256, ByteView(k48).subspan(32), label, 40);
  SecretBytes ab = MikeyPrf(MikeyPrfFunc::kHmacSha256, k48, label, 40);
  for (size_t i = 0; i < 40; ++i) {
    EXPECT_EQ(ab.Reveal()[i], a.Reveal()[i] ^ b.Reveal()[i]) << i;
  }
  // First block by hand: HMAC(s, A_1 || label), A_1 = HMAC(s, label).
  Sha256Digest a1 = HmacSha256(k32, label);
  Sha256Digest p1 = HmacSha256(k32, {a1, label});
  EXPECT_EQ(ToHex(short_out.Reveal()), ToHex(ByteView(p1).first(16)));
}

TEST(Sp800108, P25CmacKeyDerivationWithTwoOctetL) {
  auto v = FindVector(LoadVectors("p25-kmm.json"), "cmac");
  Bytes mac_key = Hex(v.at("inputs").at("mac_key"));
  Bytes kdf_input = Hex(v.at("inputs").at("kdf_input"));
  Bytes kmm = Hex(v.at("inputs").at("mac_input"));
  ByteView context = ByteView(kmm).first(12);
  std::string expected = v.at("outputs").at("derived_key");
  SecretBytes k = Sp800108CounterHmacSha256(mac_key, AsBytes("OTAR MAC"), context, 32, 2);
  EXPECT_EQ(ToHex(k.Reveal()), expected);
  // The vector's kdf_input is exactly the HMAC input the function builds.
  EXPECT_EQ(ToHex(HmacSha256(mac_key, kdf_input)), expected);
  // The usual 4-octet L (OpenSSL KBKDF's default) gives another key.
  SecretBytes k4 = Sp800108CounterHmacSha256(mac_key, AsBytes("OTAR MAC"), context, 32, 4);
  EXPECT_NE(ToHex(k4.Reveal()), expected);
}

TEST(Sp800108, MultiBlockCounter) {
  Bytes key(32, 0x5a);
  SecretBytes out = Sp800108CounterHmacSha256(key, AsBytes("L"), AsBytes("C"), 40);
  ASSERT_EQ(out.size(), 40u);
  // K(2) = HMAC(key, 00000002 || "L" || 00 || "C" || 00000140).
  Sha256Digest k2 = HmacSha256(key, Unhex("000000024c004300000140"));
  EXPECT_EQ(ToHex(out.Reveal().subspan(32)), ToHex(ByteView(k2).first(8)));
  EXPECT_THROW(Sp800108CounterHmacSha256(key, {}, {}, 32, 1), std::invalid_argument);
  EXPECT_THROW(Sp800108CounterHmacSha256(key, {}, {}, 32, 0), std::invalid_argument);
}

}  // namespace
}  // namespace kb::crypto
