// TS 33.180 E.6 / F.1: the key parameters sealed with AES-128-GCM under the DPCK.
#include "mikey/key_parameters_protection.h"

#include <gtest/gtest.h>

#include "crypto/kdf.h"

namespace kb::mikey {
namespace {

SecretBytes TestKey(uint8_t seed) {
  SecretBytes k(16);
  for (size_t i = 0; i < 16; ++i) k.RevealMutable()[i] = static_cast<uint8_t>(seed + 3 * i);
  return k;
}

const NtpTime kNow = NtpTime::FromSeconds(3'900'000'000u);

TEST(KeyParametersProtection, SealOpenAndBindings) {
  SecretBytes dppk = TestKey(7);
  KeyParameters kp;
  kp.text = "x";
  Bytes iv(16, 0x42);
  auto pp = SealKeyParameters(kp, dppk, 0x0633F457, kNow, iv);
  ASSERT_TRUE(pp);
  EXPECT_EQ(Bytes(pp->iv.begin(), pp->iv.end()), iv);
  EXPECT_EQ(pp->sealed.size(), 21u + 16u);
  auto back = OpenKeyParameters(*pp, dppk, 0x0633F457);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(*back, kp);
  auto wrong_id = OpenKeyParameters(*pp, dppk, 0x0633F458);
  ASSERT_FALSE(wrong_id);
  EXPECT_EQ(wrong_id.error().kind(), ErrorKind::kMalformed);
  auto wrong_key = OpenKeyParameters(*pp, TestKey(8), 0x0633F457);
  ASSERT_FALSE(wrong_key);
  EXPECT_EQ(wrong_key.error().kind(), ErrorKind::kCryptoFailure);
  ProtectedPayload other_alg = *pp;
  other_alg.algorithm = 2;
  EXPECT_EQ(OpenKeyParameters(other_alg, dppk, 0x0633F457).error().kind(), ErrorKind::kUnsupported);
  // DPCK = the last 16 octets of KDF(DPPK, 0x53, DPPK-ID).
  SecretBytes dpck = DeriveDpck(dppk, 0x0633F457);
  ASSERT_EQ(dpck.size(), 16u);
  Bytes id = {0x06, 0x33, 0xF4, 0x57};
  SecretBytes full = crypto::Kdf33220(dppk.Reveal(), 0x53, {ByteView(id)});
  EXPECT_TRUE(dpck == SecretBytes(full.Reveal().last(16)));
  EXPECT_FALSE(SealKeyParameters(kp, dppk, 1, kNow, Bytes(12, 0)));
}

}  // namespace
}  // namespace kb::mikey
