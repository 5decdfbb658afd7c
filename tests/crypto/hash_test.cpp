// FIPS 180-4 SHA-256 and RFC 4231 HMAC-SHA-256 known answers.
#include "crypto/hash.h"

#include <gtest/gtest.h>

#include "core/encoding.h"
#include "testing/vectors.h"

namespace kb::crypto {
namespace {

using kb::testing::Hex;

Bytes Unhex(std::string_view hex) { return Hex(std::string(hex)); }

TEST(Sha256, FipsAbc) {
  EXPECT_EQ(ToHex(Sha256(AsBytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, EmptyInput) {
  EXPECT_EQ(ToHex(Sha256(ByteView{})),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, PartsEqualConcatenation) {
  EXPECT_EQ(Sha256({AsBytes("a"), ByteView{}, AsBytes("bc")}), Sha256(AsBytes("abc")));
}

// RFC 4231 test case 2.
TEST(HmacSha256, Rfc4231Case2) {
  EXPECT_EQ(ToHex(HmacSha256(AsBytes("Jefe"), AsBytes("what do ya want for nothing?"))),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// RFC 4231 test case 6: a 131-octet key (longer than the block) is hashed first.
TEST(HmacSha256, Rfc4231Case6LongKey) {
  Bytes key(131, 0xaa);
  EXPECT_EQ(
      ToHex(HmacSha256(key, AsBytes("Test Using Larger Than Block-Size Key - Hash Key First"))),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256, PartsEqualConcatenation) {
  Bytes key = Unhex("0b0b0b0b");
  EXPECT_EQ(HmacSha256(key, {AsBytes("Hi "), AsBytes("There")}),
            HmacSha256(key, AsBytes("Hi There")));
  EXPECT_NE(HmacSha256(key, AsBytes("Hi There")),
            HmacSha256(Unhex("0b0b0b0c"), AsBytes("Hi There")));
}

}  // namespace
}  // namespace kb::crypto
