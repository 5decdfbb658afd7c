// RFC 3394 / RFC 5649 AES key wrap: every vector of key-wrap.json (with the TIA-102.AACA TEK
// wrap), round trips and the failure cases.
#include <gtest/gtest.h>

#include "core/encoding.h"
#include "crypto/aes.h"
#include "testing/vectors.h"

namespace kb::crypto {
namespace {

using kb::testing::Hex;

Bytes Unhex(std::string_view hex) { return Hex(std::string(hex)); }
using kb::testing::LoadVectors;

bool IsPadded(const nlohmann::json& v) {
  return v.at("name").get<std::string>().starts_with("rfc5649");
}

TEST(KeyWrap, EveryVectorWrapsAndUnwraps) {
  auto doc = LoadVectors("key-wrap.json");
  ASSERT_EQ(doc.at("vectors").size(), 6u);
  for (const auto& v : doc.at("vectors")) {
    SCOPED_TRACE(v.at("name").get<std::string>());
    Bytes kek = Hex(v.at("inputs").at("kek"));
    Bytes data = Hex(v.at("inputs").at("key_data"));
    Bytes expected = Hex(v.at("outputs").at("wrapped"));
    auto wrapped = IsPadded(v) ? AesKeyWrapPad(kek, data) : AesKeyWrap(kek, data);
    ASSERT_TRUE(wrapped) << wrapped.error().ToString();
    EXPECT_EQ(ToHex(*wrapped), ToHex(expected));
    auto unwrapped = IsPadded(v) ? AesKeyUnwrapPad(kek, expected) : AesKeyUnwrap(kek, expected);
    ASSERT_TRUE(unwrapped) << unwrapped.error().ToString();
    EXPECT_TRUE(ConstantTimeEqual(unwrapped->Reveal(), data));
  }
}

TEST(KeyWrap, Tia102AacaTekWrapMatchesKmm) {
  auto doc = LoadVectors("key-wrap.json");
  auto v = kb::testing::FindVector(doc, "tia-102-aaca-tek-wrap");
  auto kmm = kb::testing::FindVector(LoadVectors("p25-kmm.json"), "tek-wrap");
  EXPECT_EQ(v.at("outputs").at("wrapped"), kmm.at("outputs").at("wrapped_tek"));
  auto w = AesKeyWrap(Hex(kmm.at("inputs").at("kek")), Hex(kmm.at("inputs").at("tek")));
  ASSERT_TRUE(w);
  EXPECT_EQ(w->size(), 40u);
  EXPECT_EQ(ToHex(*w), kmm.at("outputs").at("wrapped_tek").get<std::string>());
}

TEST(KeyWrap, WrongKekIsCryptoFailure) {
  auto v = kb::testing::FindVector(LoadVectors("key-wrap.json"), "tia-102-aaca-tek-wrap");
  Bytes kek = Hex(v.at("inputs").at("kek"));
  Bytes wrapped = Hex(v.at("outputs").at("wrapped"));
  kek[31] ^= 0x01;
  auto r = AesKeyUnwrap(kek, wrapped);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kCryptoFailure);
}

TEST(KeyWrap, TamperedCiphertextIsCryptoFailure) {
  auto v = kb::testing::FindVector(LoadVectors("key-wrap.json"), "rfc3394-4.6");
  Bytes kek = Hex(v.at("inputs").at("kek"));
  Bytes wrapped = Hex(v.at("outputs").at("wrapped"));
  for (size_t i : {size_t{0}, size_t{8}, wrapped.size() - 1}) {
    Bytes bad = wrapped;
    bad[i] ^= 0x80;
    auto r = AesKeyUnwrap(kek, bad);
    ASSERT_FALSE(r) << "flip at " << i;
    EXPECT_EQ(r.error().kind(), ErrorKind::kCryptoFailure);
  }
}

TEST(KeyWrap, PaddedWrongKekAndTamperFail) {
  auto v = kb::testing::FindVector(LoadVectors("key-wrap.json"), "rfc5649-6-20");
  Bytes kek = Hex(v.at("inputs").at("kek"));
  Bytes wrapped = Hex(v.at("outputs").at("wrapped"));
  Bytes bad = wrapped;
  bad[5] ^= 0x01;
  auto r1 = AesKeyUnwrapPad(kek, bad);
  ASSERT_FALSE(r1);
  EXPECT_EQ(r1.error().kind(), ErrorKind::kCryptoFailure);
  kek[0] ^= 0x01;
  auto r2 = AesKeyUnwrapPad(kek, wrapped);
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().kind(), ErrorKind::kCryptoFailure);
}

TEST(KeyWrap, TruncatedInputIsRejected) {
  auto v = kb::testing::FindVector(LoadVectors("key-wrap.json"), "rfc3394-4.6");
  Bytes kek = Hex(v.at("inputs").at("kek"));
  Bytes wrapped = Hex(v.at("outputs").at("wrapped"));
  // Not a multiple of 8: malformed before any cryptography.
  auto r1 = AesKeyUnwrap(kek, ByteView(wrapped).first(wrapped.size() - 1));
  ASSERT_FALSE(r1);
  EXPECT_EQ(r1.error().kind(), ErrorKind::kMalformed);
  // One semiblock short: well-formed length, fails the integrity check.
  auto r2 = AesKeyUnwrap(kek, ByteView(wrapped).first(wrapped.size() - 8));
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().kind(), ErrorKind::kCryptoFailure);
  // Shorter than the minimum of 24 octets.
  auto r3 = AesKeyUnwrap(kek, ByteView(wrapped).first(16));
  ASSERT_FALSE(r3);
  EXPECT_EQ(r3.error().kind(), ErrorKind::kMalformed);
  auto r4 = AesKeyUnwrapPad(kek, ByteView(wrapped).first(8));
  ASSERT_FALSE(r4);
  EXPECT_EQ(r4.error().kind(), ErrorKind::kMalformed);
}

TEST(KeyWrap, BadKeyAndPlaintextLengthsAreInvalidArguments) {
  Bytes data(16, 0x11);
  for (size_t n : {0u, 15u, 20u, 33u}) {
    auto r = AesKeyWrap(Bytes(n, 1), data);
    ASSERT_FALSE(r) << n;
    EXPECT_EQ(r.error().kind(), ErrorKind::kInvalidArgument);
    EXPECT_FALSE(AesKeyUnwrap(Bytes(n, 1), Bytes(24, 0)));
  }
  Bytes kek(32, 7);
  EXPECT_EQ(AesKeyWrap(kek, Bytes(8, 1)).error().kind(), ErrorKind::kInvalidArgument);
  EXPECT_EQ(AesKeyWrap(kek, Bytes(20, 1)).error().kind(), ErrorKind::kInvalidArgument);
  EXPECT_EQ(AesKeyWrapPad(kek, Bytes{}).error().kind(), ErrorKind::kInvalidArgument);
  EXPECT_EQ(AesKeyWrapWithIv(kek, Bytes(7, 0), data).error().kind(), ErrorKind::kInvalidArgument);
}

TEST(KeyWrap, PaddedRoundTripEveryLength) {
  Bytes kek(16, 0x42);
  for (size_t n = 1; n <= 33; ++n) {
    Bytes data(n);
    for (size_t i = 0; i < n; ++i) data[i] = static_cast<uint8_t>(i * 7 + n);
    auto w = AesKeyWrapPad(kek, data);
    ASSERT_TRUE(w) << n;
    EXPECT_EQ(w->size(), std::max<size_t>(16, (n + 7) / 8 * 8 + 8)) << n;
    auto u = AesKeyUnwrapPad(kek, *w);
    ASSERT_TRUE(u) << n;
    EXPECT_TRUE(ConstantTimeEqual(u->Reveal(), data)) << n;
  }
}

// The default IV through the explicit-IV entry point gives plain RFC 3394.
TEST(KeyWrap, ExplicitDefaultIvEqualsDefault) {
  auto v = kb::testing::FindVector(LoadVectors("key-wrap.json"), "rfc3394-4.1");
  auto w = AesKeyWrapWithIv(Hex(v.at("inputs").at("kek")), Unhex("a6a6a6a6a6a6a6a6"),
                            Hex(v.at("inputs").at("key_data")));
  ASSERT_TRUE(w);
  EXPECT_EQ(ToHex(*w), v.at("outputs").at("wrapped").get<std::string>());
}

}  // namespace
}  // namespace kb::crypto
