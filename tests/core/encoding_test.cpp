// Tests of hex and base64 (RFC 4648 section 10 vectors).
#include "core/encoding.h"

#include <gtest/gtest.h>

namespace kb {
namespace {

TEST(Hex, RoundTrip) {
  Bytes b = {0x00, 0x7f, 0x80, 0xff};
  EXPECT_EQ(ToHex(b), "007f80ff");
  EXPECT_EQ(*FromHex("007F80ff"), b);
  EXPECT_EQ(*FromHex("00 7f:80\nff"), b);
}

TEST(Hex, RejectsBadInput) {
  EXPECT_EQ(FromHex("abc").error().kind(), ErrorKind::kMalformed);
  auto e = FromHex("zz", "KID");
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message().find("KID"), std::string::npos);
}

TEST(Base64, Rfc4648Vectors) {
  const char* cases[][2] = {{"", ""},
                            {"f", "Zg=="},
                            {"fo", "Zm8="},
                            {"foo", "Zm9v"},
                            {"foob", "Zm9vYg=="},
                            {"fooba", "Zm9vYmE="},
                            {"foobar", "Zm9vYmFy"}};
  for (auto& c : cases) {
    EXPECT_EQ(ToBase64(AsBytes(c[0])), c[1]);
    auto d = FromBase64(c[1]);
    ASSERT_TRUE(d) << c[1];
    EXPECT_EQ(AsString(*d), c[0]);
  }
}

TEST(Base64, UrlSafeAndUnpadded) {
  Bytes b = {0xfb, 0xff};
  EXPECT_EQ(ToBase64(b), "+/8=");
  EXPECT_EQ(ToBase64Url(b), "-_8");
  EXPECT_EQ(*FromBase64("-_8"), b);
}

TEST(Base64, RejectsBadInput) {
  EXPECT_FALSE(FromBase64("Zm9v!"));
  EXPECT_FALSE(FromBase64("Z"));
  EXPECT_FALSE(FromBase64("Zg==Zg"));
}

}  // namespace
}  // namespace kb
