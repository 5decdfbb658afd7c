// TIA-102.AACA enhanced KMM MAC primitives (CBC-MAC key by RFC 3394 wrap with IV 0..0||len16,
// CMAC key by SP 800-108 with a 2-octet L): derived keys and MACs of the standard's example,
// computed with the crypto layer alone (the KMM codec lives in the p25 layer).
#include <gtest/gtest.h>

#include "core/encoding.h"
#include "crypto/aes.h"
#include "crypto/kdf.h"
#include "testing/vectors.h"

namespace kb::crypto {
namespace {

using kb::testing::FindVector;
using kb::testing::Hex;
using kb::testing::LoadVectors;

// The KMM with its 8 MAC octets (the 13th to 6th octets from the end) removed.
Bytes WithoutMac(const Bytes& kmm) {
  Bytes m(kmm.begin(), kmm.end() - 13);
  m.insert(m.end(), kmm.end() - 5, kmm.end());
  return m;
}

TEST(P25MacPrimitives, CbcMacDerivedKeyAndMac) {
  auto doc = LoadVectors("p25-kmm.json");
  auto v = FindVector(doc, "cbc-mac");
  Bytes k = Hex(v.at("inputs").at("mac_key"));
  Bytes m = Hex(v.at("inputs").at("mac_input"));
  Bytes kmm = Hex(FindVector(doc, "rekey-command-cbc-mac").at("outputs").at("kmm"));
  ASSERT_EQ(ToHex(WithoutMac(kmm)), ToHex(m));
  ASSERT_EQ(m.size(), 72u);

  Bytes iv = {
      0, 0, 0, 0, 0, 0, static_cast<uint8_t>(m.size() >> 8), static_cast<uint8_t>(m.size())};
  EXPECT_EQ(ToHex(iv), v.at("inputs").at("kdf_iv").get<std::string>());
  auto wrapped = AesKeyWrapWithIv(k, iv, k);
  ASSERT_TRUE(wrapped);
  ByteView kc = ByteView(*wrapped).subspan(8);
  EXPECT_EQ(ToHex(kc), v.at("outputs").at("derived_key").get<std::string>());

  auto mac = AesCbcMac(kc, m);
  ASSERT_TRUE(mac);
  EXPECT_EQ(ToHex(ByteView(*mac).first(8)), v.at("outputs").at("mac").get<std::string>());
  EXPECT_EQ(ToHex(ByteView(kmm).subspan(kmm.size() - 13, 8)),
            v.at("outputs").at("mac").get<std::string>());

  // A changed octet of the message changes the MAC.
  m[20] ^= 1;
  auto bad = AesCbcMac(kc, m);
  ASSERT_TRUE(bad);
  EXPECT_NE(ToHex(ByteView(*bad).first(8)), v.at("outputs").at("mac").get<std::string>());
}

TEST(P25MacPrimitives, CmacDerivedKeyAndMac) {
  auto doc = LoadVectors("p25-kmm.json");
  auto v = FindVector(doc, "cmac");
  Bytes k = Hex(v.at("inputs").at("mac_key"));
  Bytes m = Hex(v.at("inputs").at("mac_input"));
  Bytes kmm = Hex(FindVector(doc, "rekey-command-cmac").at("outputs").at("kmm"));
  ASSERT_EQ(ToHex(WithoutMac(kmm)), ToHex(m));

  SecretBytes kc = Sp800108CounterHmacSha256(k, AsBytes("OTAR MAC"), ByteView(kmm).first(12), 32,
                                             /*length_octets=*/2);
  EXPECT_EQ(ToHex(kc.Reveal()), v.at("outputs").at("derived_key").get<std::string>());
  auto mac = AesCmac(kc.Reveal(), m);
  ASSERT_TRUE(mac);
  EXPECT_EQ(ToHex(ByteView(*mac).first(8)), v.at("outputs").at("mac").get<std::string>());
  EXPECT_EQ(ToHex(ByteView(kmm).subspan(kmm.size() - 13, 8)),
            v.at("outputs").at("mac").get<std::string>());

  m.back() ^= 1;  // the MAC format octet is covered
  auto bad = AesCmac(kc.Reveal(), m);
  ASSERT_TRUE(bad);
  EXPECT_NE(ToHex(ByteView(*bad).first(8)), v.at("outputs").at("mac").get<std::string>());
}

}  // namespace
}  // namespace kb::crypto
