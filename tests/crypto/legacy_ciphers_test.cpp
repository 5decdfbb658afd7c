// Legacy ciphers for P25 interoperability: FIPS 81 DES-OFB and RC4 known answers.
#include <gtest/gtest.h>

#include "core/encoding.h"
#include "crypto/des.h"
#include "crypto/rc4.h"
#include "testing/vectors.h"

namespace kb::crypto {
namespace {

Bytes Unhex(std::string_view hex) { return kb::testing::Hex(std::string(hex)); }

// FIPS 81 Appendix, OFB example: "Now is the time for all " under 0123456789abcdef.
TEST(DesOfb, Fips81Example) {
  Bytes pt = ToBytes("Now is the time for all ");
  auto ks = DesOfbKeystream(Unhex("0123456789abcdef"), Unhex("1234567890abcdef"), pt.size());
  ASSERT_TRUE(ks) << ks.error().ToString();
  for (size_t i = 0; i < pt.size(); ++i) pt[i] ^= (*ks)[i];
  EXPECT_EQ(ToHex(pt), "f3096249c7f46e5135f24a242eeb3d3f3d6d5be3255af8c3");
}

TEST(DesOfb, BadLengths) {
  EXPECT_EQ(DesOfbKeystream(Bytes(7, 0), Bytes(8, 0), 8).error().kind(),
            ErrorKind::kInvalidArgument);
  EXPECT_EQ(DesOfbKeystream(Bytes(8, 0), Bytes(16, 0), 8).error().kind(),
            ErrorKind::kInvalidArgument);
  auto empty = DesOfbKeystream(Bytes(8, 1), Bytes(8, 2), 0);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

std::string Rc4Encrypt(std::string_view key, std::string_view text) {
  Rc4 rc4(AsBytes(key));
  Bytes out = ToBytes(text);
  for (uint8_t& b : out) b ^= rc4.Next();
  return ToHex(out);
}

// The classic published RC4 test values.
TEST(Rc4, KnownAnswers) {
  EXPECT_EQ(Rc4Encrypt("Key", "Plaintext"), "bbf316e8d940af0ad3");
  EXPECT_EQ(Rc4Encrypt("Wiki", "pedia"), "1021bf0420");
  EXPECT_EQ(Rc4Encrypt("Secret", "Attack at dawn"), "45a01f645fc35b383552544b9bf5");
}

TEST(Rc4, FillEqualsNext) {
  Rc4 a(Unhex("0102030405"));
  Rc4 b(Unhex("0102030405"));
  Bytes buf(300);
  a.Fill(buf);
  for (size_t i = 0; i < buf.size(); ++i) ASSERT_EQ(buf[i], b.Next()) << i;
  EXPECT_THROW(Rc4(ByteView{}), std::invalid_argument);
}

}  // namespace
}  // namespace kb::crypto
