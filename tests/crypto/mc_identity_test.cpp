// TS 33.180 F.2.1 MIKEY-SAKKE UID (mikey-sakke-uid.json) and the F.1.3 GUK-ID user salt.
#include "crypto/mc_identity.h"

#include <gtest/gtest.h>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "crypto/kdf.h"
#include "testing/vectors.h"

namespace kb::crypto {
namespace {

using kb::testing::Hex;

Bytes Unhex(std::string_view hex) { return Hex(std::string(hex)); }
using kb::testing::LoadVectors;

uint64_t BigEndian(const Bytes& b) {
  uint64_t v = 0;
  for (uint8_t x : b) v = (v << 8) | x;
  return v;
}

TEST(MikeySakkeUid, EveryVector) {
  auto doc = LoadVectors("mikey-sakke-uid.json");
  ASSERT_FALSE(doc.at("vectors").empty());
  for (const auto& v : doc.at("vectors")) {
    SCOPED_TRACE(v.at("name").get<std::string>());
    const auto& in = v.at("inputs");
    Bytes uri = Hex(in.at("uri"));
    Bytes kms = Hex(in.at("kms_uri"));
    KeyPeriod period{BigEndian(Hex(in.at("key_period"))),
                     BigEndian(Hex(in.at("key_period_offset")))};
    uint64_t number = BigEndian(Hex(in.at("key_period_no")));
    Uid uid = MikeySakkeUid(AsString(uri), AsString(kms), period, number);
    EXPECT_EQ(ToHex(uid), v.at("outputs").at("uid").get<std::string>());
    // The hashed string is the vector's s.
    EXPECT_EQ(ToHex(Sha256(Hex(v.at("outputs").at("s")))),
              v.at("outputs").at("uid").get<std::string>());
  }
}

TEST(MikeySakkeUid, EveryInputMatters) {
  KeyPeriod p{2592000, 0};
  Uid base = MikeySakkeUid("sip:user@example.org", "kms.example.org", p, 1);
  EXPECT_NE(base, MikeySakkeUid("sip:user@example.org", "kms.example.org", p, 2));
  EXPECT_NE(base, MikeySakkeUid("sip:usen@example.org", "kms.example.org", p, 1));
  EXPECT_NE(base, MikeySakkeUid("sip:user@example.org", "kms.example.com", p, 1));
  EXPECT_NE(base,
            MikeySakkeUid("sip:user@example.org", "kms.example.org", KeyPeriod{2592000, 1}, 1));
  // Minimal encoding: period number 0 is one 0x00 octet, 256 is 01 00.
  Bytes s0 = Kdf33220Input(0x00, {AsBytes("MIKEY-SAKKE-UID"), AsBytes("a"), AsBytes("k"),
                                  Unhex("0a"), Unhex("00"), Unhex("00")});
  EXPECT_EQ(MikeySakkeUid("a", "k", KeyPeriod{10, 0}, 0), Sha256(s0));
  Bytes s256 = Kdf33220Input(0x00, {AsBytes("MIKEY-SAKKE-UID"), AsBytes("a"), AsBytes("k"),
                                    Unhex("0a"), Unhex("00"), Unhex("0100")});
  EXPECT_EQ(MikeySakkeUid("a", "k", KeyPeriod{10, 0}, 256), Sha256(s256));
}

// Salt = 28 LSBs of HMAC-SHA-256(GMK, 0x50 || uri || len16(uri)).
TEST(GukId, SaltIsLow28BitsOfKdf) {
  Bytes gmk = Unhex("000102030405060708090a0b0c0d0e0f");
  const std::string uri = "sip:alice@example.org";
  Bytes s = Unhex("50");
  s.insert(s.end(), uri.begin(), uri.end());
  s.push_back(0x00);
  s.push_back(static_cast<uint8_t>(uri.size()));
  Sha256Digest d = HmacSha256(gmk, s);
  uint32_t expected =
      ((uint32_t{d[28]} << 24) | (uint32_t{d[29]} << 16) | (uint32_t{d[30]} << 8) | d[31]) &
      0x0FFFFFFF;
  EXPECT_EQ(GukIdSalt(gmk, uri), expected);
  EXPECT_EQ(GukIdSalt(gmk, uri) >> 28, 0u);
}

// A cross-implementation value not (yet) in the shared vectors: Streamwide/sw_mikey_sakke
// StreamwideTestVectors.md, "Test 1: GMK" (responder sip:alice@streamwide.com).
TEST(GukId, StreamwideGmkTest1) {
  Bytes gmk = Unhex("ead9e20459a5cbe881607f643a6f5ca5");
  EXPECT_EQ(GukIdFromGmkId(0x0e144748, gmk, "sip:alice@streamwide.com"), 0x034db662u);
  EXPECT_EQ(GukIdFromGmkId(0x034db662, gmk, "sip:alice@streamwide.com"), 0x0e144748u);
  // The URI is hashed as given: without the scheme the salt differs.
  EXPECT_NE(GukIdFromGmkId(0x0e144748, gmk, "alice@streamwide.com"), 0x034db662u);
}

TEST(GukId, KeepsPurposeTagAndInverts) {
  Bytes gmk = Unhex("a27b7d578eeb9b1ee7705e385996d300");
  const uint32_t gmk_id = 0x0ABCDEF1;  // purpose tag 0 (GMK)
  uint32_t guk_id = GukIdFromGmkId(gmk_id, gmk, "sip:bob@example.org");
  EXPECT_EQ(PurposeTagOf(guk_id), static_cast<uint8_t>(PurposeTag::kGmk));
  EXPECT_NE(guk_id, gmk_id);
  EXPECT_EQ(GukIdFromGmkId(guk_id, gmk, "sip:bob@example.org"), gmk_id);
  // Another user gets another GUK-ID.
  EXPECT_NE(GukIdFromGmkId(gmk_id, gmk, "sip:carol@example.org"), guk_id);
  const uint32_t musik_id = 0x60000123;
  EXPECT_EQ(PurposeTagOf(GukIdFromGmkId(musik_id, gmk, "sip:bob@example.org")),
            static_cast<uint8_t>(PurposeTag::kMusik));
}

}  // namespace
}  // namespace kb::crypto
