// keybridge KMS storage: the sealed-secrets format (AES-256-GCM, header and AAD binding).
#include "kms/sealed_secrets.h"

#include <gtest/gtest.h>

#include "crypto/random.h"

namespace kb::kms {
namespace {

TEST(SealedSecrets, RoundTripAndBinding) {
  SecretBytes key = crypto::RandomSecret(32);
  SecretBytes plain(ByteView(Bytes{1, 2, 3, 4, 5}));
  Bytes aad = ToBytes("certificate");
  auto sealed = SealSecrets(key, aad, plain);
  ASSERT_TRUE(sealed) << sealed.error().ToString();
  EXPECT_EQ(sealed->size(), 22u + 5 + 16);
  auto opened = OpenSealedSecrets(key, aad, *sealed);
  ASSERT_TRUE(opened) << opened.error().ToString();
  EXPECT_TRUE(*opened == plain);
  // Two seals of the same plaintext differ (fresh nonce).
  EXPECT_NE(*SealSecrets(key, aad, plain), *sealed);

  EXPECT_EQ(OpenSealedSecrets(key, ToBytes("certificatf"), *sealed).error().kind(),
            ErrorKind::kCryptoFailure);
  for (size_t at = 0; at < sealed->size(); ++at) {
    Bytes bad = *sealed;
    bad[at] ^= 0x80;
    auto r = OpenSealedSecrets(key, aad, bad);
    ASSERT_FALSE(r) << at;
    ErrorKind want = at < 8    ? ErrorKind::kMalformed
                     : at < 10 ? ErrorKind::kUnsupported
                               : ErrorKind::kCryptoFailure;
    EXPECT_EQ(r.error().kind(), want) << at;
  }
  EXPECT_EQ(OpenSealedSecrets(key, aad, ByteView(*sealed).first(30)).error().kind(),
            ErrorKind::kMalformed);
  EXPECT_EQ(OpenSealedSecrets(SecretBytes(8), aad, *sealed).error().kind(),
            ErrorKind::kInvalidArgument);
}

}  // namespace
}  // namespace kb::kms
