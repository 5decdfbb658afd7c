// TIA-102.AAAD AES-256 data/KMM encryption: the encrypted-KMM vector of p25-kmm.json byte for
// byte in both directions, plus the failure cases.
#include "p25/data_crypto.h"

#include <gtest/gtest.h>

#include "core/encoding.h"
#include "crypto/aes.h"
#include "testing/vectors.h"

namespace kb::p25 {
namespace {

using kb::testing::FindVector;
using kb::testing::Hex;
using kb::testing::LoadVectors;

TEST(DataCrypto, EncryptedKmmVector) {
  auto v = FindVector(LoadVectors("p25-kmm.json"), "encrypted-kmm-aes-ofb");
  Bytes key = Hex(v.at("inputs").at("key"));
  auto mi = MessageIndicator::Parse(Hex(v.at("inputs").at("mi")));
  ASSERT_TRUE(mi);
  Bytes pt = Hex(v.at("inputs").at("plaintext"));
  Bytes ct = Hex(v.at("outputs").at("ciphertext"));
  ASSERT_EQ(pt.size(), 80u);
  auto enc = EncryptData(key, *mi, pt);
  ASSERT_TRUE(enc) << enc.error().ToString();
  EXPECT_EQ(ToHex(*enc), ToHex(ct));
  auto dec = DecryptData(key, *mi, ct);
  ASSERT_TRUE(dec);
  EXPECT_EQ(ToHex(*dec), ToHex(pt));
}

// The keystream starts at OFB octet 16 and runs on contiguously (no wrap at 240 octets).
TEST(DataCrypto, LongMessagesContinueTheOfbStream) {
  Bytes key(32, 0x77);
  MessageIndicator mi(0x123456789abcdef0);
  Bytes zeros(600, 0);
  auto ks = EncryptData(key, mi, zeros);
  ASSERT_TRUE(ks);
  auto iv = mi.AesIv();
  auto ofb = crypto::AesOfbKeystream(key, iv, 16 + zeros.size());
  ASSERT_TRUE(ofb);
  EXPECT_EQ(*ks, Bytes(ofb->begin() + 16, ofb->end()));
  EXPECT_NE(Bytes(ks->begin(), ks->begin() + 16), Bytes(ks->begin() + 224, ks->begin() + 240));
}

TEST(DataCrypto, FailuresAndWrongKey) {
  MessageIndicator mi(0x7030f1f765692667);
  EXPECT_EQ(EncryptData(Bytes(16, 1), mi, Bytes(4, 0)).error().kind(), ErrorKind::kInvalidArgument);
  EXPECT_EQ(DecryptData(Bytes(32, 1), MessageIndicator(0), Bytes(4, 0)).error().kind(),
            ErrorKind::kInvalidArgument);
  auto empty = EncryptData(Bytes(32, 1), mi, {});
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());

  auto v = FindVector(LoadVectors("p25-kmm.json"), "encrypted-kmm-aes-ofb");
  Bytes key = Hex(v.at("inputs").at("key"));
  key[31] ^= 1;
  auto dec = DecryptData(key, mi, Hex(v.at("outputs").at("ciphertext")));
  ASSERT_TRUE(dec);
  EXPECT_NE(ToHex(*dec), v.at("inputs").at("plaintext").get<std::string>());
}

}  // namespace
}  // namespace kb::p25
