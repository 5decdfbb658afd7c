// AES modes: RFC 4493 AES-CMAC, SP 800-38A ECB/OFB, the P25 CBC-MAC, and GCM (SP 800-38D).
#include <gtest/gtest.h>

#include "core/encoding.h"
#include "crypto/aes.h"
#include "testing/vectors.h"

namespace kb::crypto {
namespace {

using kb::testing::Hex;

Bytes Unhex(std::string_view hex) { return Hex(std::string(hex)); }

constexpr const char* kRfc4493Key = "2b7e151628aed2a6abf7158809cf4f3c";
constexpr const char* kRfc4493Msg =
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";

// RFC 4493 section 4, examples 1 to 4 (message lengths 0, 16, 40, 64).
TEST(AesCmac, Rfc4493Examples) {
  Bytes key = Unhex(kRfc4493Key);
  Bytes msg = Unhex(kRfc4493Msg);
  struct Case {
    size_t len;
    const char* tag;
  };
  for (Case c :
       {Case{0, "bb1d6929e95937287fa37d129b756746"}, Case{16, "070a16b46b4d4144f79bdd9dd04a287c"},
        Case{40, "dfa66747de9ae63030ca32611497c827"},
        Case{64, "51f0bebf7e3b9d92fc49741779363cfe"}}) {
    auto t = AesCmac(key, ByteView(msg).first(c.len));
    ASSERT_TRUE(t) << c.len;
    EXPECT_EQ(ToHex(*t), c.tag) << "length " << c.len;
  }
}

TEST(AesCmac, BadKeyLength) {
  auto r = AesCmac(Bytes(17, 0), Bytes(3, 0));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kInvalidArgument);
}

// SP 800-38A F.1.1 (ECB-AES128) first block.
TEST(AesBlock, Sp80038aEcb) {
  auto c = AesEncryptBlock(Unhex(kRfc4493Key), Unhex("6bc1bee22e409f96e93d7e117393172a"));
  ASSERT_TRUE(c);
  EXPECT_EQ(ToHex(*c), "3ad77bb40d7a3660a89ecaf32466ef97");
  EXPECT_FALSE(AesEncryptBlock(Unhex(kRfc4493Key), Bytes(15, 0)));
}

// SP 800-38A F.4.1 (OFB-AES128), the four blocks.
TEST(AesOfb, Sp80038aOfb128) {
  auto c =
      AesOfb(Unhex(kRfc4493Key), Unhex("000102030405060708090a0b0c0d0e0f"), Unhex(kRfc4493Msg));
  ASSERT_TRUE(c);
  EXPECT_EQ(ToHex(*c),
            "3b3fd92eb72dad20333449f8e83cfb4a7789508d16918f03f53c52dac54ed825"
            "9740051e9c5fecf64344f7a82260edcc304c6528f659c77866a510d9c1d6ae5e");
}

TEST(AesOfb, KeystreamXorAndInverse) {
  Bytes key(32, 0x33);
  Bytes iv(16, 0x01);
  Bytes data = ToBytes("seventeen octets!");
  auto ks = AesOfbKeystream(key, iv, data.size());
  auto ct = AesOfb(key, iv, data);
  ASSERT_TRUE(ks && ct);
  for (size_t i = 0; i < data.size(); ++i) EXPECT_EQ((*ct)[i], data[i] ^ (*ks)[i]);
  auto pt = AesOfb(key, iv, *ct);
  ASSERT_TRUE(pt);
  EXPECT_EQ(*pt, data);
  EXPECT_FALSE(AesOfb(key, Bytes(8, 0), data));
  EXPECT_FALSE(AesOfb(Bytes(31, 0), iv, data));
}

// CBC-MAC = the last block of CBC with a zero IV over the zero-padded data.
TEST(AesCbcMac, LastBlockOfZeroIvCbc) {
  Bytes key = Unhex(kRfc4493Key);
  // One block: CBC-MAC equals the ECB encryption of the block.
  auto one = AesCbcMac(key, Unhex("6bc1bee22e409f96e93d7e117393172a"));
  ASSERT_TRUE(one);
  EXPECT_EQ(ToHex(*one), "3ad77bb40d7a3660a89ecaf32466ef97");
  // A partial block is zero-padded.
  auto partial = AesCbcMac(key, Unhex("6bc1bee22e409f96e93d7e11739317"));
  auto padded = AesCbcMac(key, Unhex("6bc1bee22e409f96e93d7e1173931700"));
  ASSERT_TRUE(partial && padded);
  EXPECT_EQ(*partial, *padded);
  EXPECT_EQ(AesCbcMac(key, ByteView{}).error().kind(), ErrorKind::kInvalidArgument);
}

// GCM test case 2 of the GCM specification (McGrew-Viega): zero key, zero 96-bit IV.
TEST(AesGcm, ZeroKeyKnownAnswer) {
  auto s = AesGcmSeal(Bytes(16, 0), Bytes(12, 0), {}, Bytes(16, 0));
  ASSERT_TRUE(s);
  EXPECT_EQ(ToHex(*s), "0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf");
}

TEST(AesGcm, SixteenOctetIvRoundTripAndTamper) {
  Bytes key = Unhex("000102030405060708090a0b0c0d0e0f");
  Bytes iv = Unhex("101112131415161718191a1b1c1d1e1f");
  Bytes aad = ToBytes("header");
  Bytes pt = ToBytes("key parameters payload");
  auto sealed = AesGcmSeal(key, iv, aad, pt);
  ASSERT_TRUE(sealed);
  ASSERT_EQ(sealed->size(), pt.size() + 16);
  auto opened = AesGcmOpen(key, iv, aad, *sealed);
  ASSERT_TRUE(opened) << opened.error().ToString();
  EXPECT_EQ(AsString(opened->Reveal()), AsString(pt));

  // A 16-octet IV goes through GHASH: it must differ from its 12-octet prefix.
  auto twelve = AesGcmSeal(key, ByteView(iv).first(12), aad, pt);
  ASSERT_TRUE(twelve);
  EXPECT_NE(*twelve, *sealed);

  for (size_t i : {size_t{0}, pt.size() - 1, pt.size(), sealed->size() - 1}) {
    Bytes bad = *sealed;
    bad[i] ^= 0x01;
    auto r = AesGcmOpen(key, iv, aad, bad);
    ASSERT_FALSE(r) << "flip at " << i;
    EXPECT_EQ(r.error().kind(), ErrorKind::kCryptoFailure);
  }
  Bytes bad_aad = aad;
  bad_aad[0] ^= 0x20;
  EXPECT_EQ(AesGcmOpen(key, iv, bad_aad, *sealed).error().kind(), ErrorKind::kCryptoFailure);
  Bytes bad_iv = iv;
  bad_iv[15] ^= 1;
  EXPECT_EQ(AesGcmOpen(key, bad_iv, aad, *sealed).error().kind(), ErrorKind::kCryptoFailure);
  Bytes bad_key = key;
  bad_key[0] ^= 1;
  EXPECT_EQ(AesGcmOpen(bad_key, iv, aad, *sealed).error().kind(), ErrorKind::kCryptoFailure);
}

TEST(AesGcm, ShortTagAndEmptyPlaintext) {
  Bytes key(32, 9);
  Bytes iv(12, 3);
  auto s = AesGcmSeal(key, iv, ToBytes("aad only"), {}, 8);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->size(), 8u);
  auto o = AesGcmOpen(key, iv, ToBytes("aad only"), *s, 8);
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->empty());
  EXPECT_EQ(AesGcmOpen(key, iv, ToBytes("aad onlY"), *s, 8).error().kind(),
            ErrorKind::kCryptoFailure);
}

TEST(AesGcm, BadArguments) {
  Bytes iv(12, 0);
  EXPECT_EQ(AesGcmSeal(Bytes(20, 0), iv, {}, Bytes(4, 0)).error().kind(),
            ErrorKind::kInvalidArgument);
  EXPECT_EQ(AesGcmSeal(Bytes(16, 0), {}, {}, Bytes(4, 0)).error().kind(),
            ErrorKind::kInvalidArgument);
  EXPECT_EQ(AesGcmSeal(Bytes(16, 0), iv, {}, Bytes(4, 0), 17).error().kind(),
            ErrorKind::kInvalidArgument);
  auto r = AesGcmOpen(Bytes(16, 0), iv, {}, Bytes(15, 0));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kTruncated);
}

}  // namespace
}  // namespace kb::crypto
