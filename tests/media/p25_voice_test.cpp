// The keybridge P25 LDU RTP payload and TIA-102.AAAD encryption per LDU: round trips, MI
// sequencing, late entry, wrong key, malformed payloads.
#include <gtest/gtest.h>

#include "crypto/random.h"
#include "media/p25_voice_payload.h"
#include "media/p25_voice_stream.h"
#include "p25/algorithm_id.h"

namespace kb::media {
namespace {

const p25::MessageIndicator kMi(0x123456789ABCDEF0u);

SecretBytes Tek() { return SecretBytes(Bytes(32, 0x3C)); }

TEST(P25LduPayload, EncodesTheDocumentedLayout) {
  P25LduPayload p;
  p.ldu = p25::Ldu::kLdu2;
  p.algid = 0x84;
  p.kid = 0x1234;
  p.mi = kMi;
  for (size_t i = 0; i < p.frames.size(); ++i) p.frames[i].fill(static_cast<uint8_t>(i + 1));
  Bytes b = p.Encode();
  ASSERT_EQ(b.size(), kP25LduPayloadSize);
  ASSERT_EQ(b.size(), 112u);
  EXPECT_EQ(b[0], 0x11);
  EXPECT_EQ(b[1], 0x84);
  EXPECT_EQ(b[2], 0x12);
  EXPECT_EQ(b[3], 0x34);
  EXPECT_EQ(b[4], 0x12);
  EXPECT_EQ(b[11], 0xF0);
  EXPECT_EQ(b[12], 0x00);
  EXPECT_EQ(b[13], 0x01);
  EXPECT_EQ(b[111], 0x09);
  auto back = P25LduPayload::Decode(b);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, p);
}

TEST(P25LduPayload, RejectsBadInput) {
  P25LduPayload p;
  Bytes b = p.Encode();
  for (size_t n = 0; n < b.size(); ++n) {
    EXPECT_EQ(P25LduPayload::Decode(ByteView(b).first(n)).error().kind(), ErrorKind::kTruncated);
  }
  Bytes longer = b;
  longer.push_back(0);
  EXPECT_EQ(P25LduPayload::Decode(longer).error().kind(), ErrorKind::kMalformed);
  Bytes version = b;
  version[0] = 0x21;
  EXPECT_EQ(P25LduPayload::Decode(version).error().kind(), ErrorKind::kUnsupported);
  Bytes reserved = b;
  reserved[0] = 0x13;
  EXPECT_EQ(P25LduPayload::Decode(reserved).error().kind(), ErrorKind::kMalformed);
}

TEST(P25VoiceStream, EncryptsAndRecoversFramesBitExactAcrossSuperframes) {
  auto enc = P25VoiceEncryptor::Create(p25::kAlgidAes256, 7, Tek(), kMi);
  ASSERT_TRUE(enc);
  P25VoiceDecryptor dec(p25::kAlgidAes256, 7, Tek());
  SyntheticImbeSource src(42);
  p25::MessageIndicator mi = kMi;
  for (int i = 0; i < 10; ++i) {
    LduFrames clear = src.NextLdu();
    auto p = enc->Seal(clear);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->ldu, i % 2 == 0 ? p25::Ldu::kLdu1 : p25::Ldu::kLdu2);
    EXPECT_EQ(p->mi, mi) << i;  // both LDUs of a superframe carry its MI
    if (i % 2 == 1) mi = mi.Next();
    for (size_t f = 0; f < clear.size(); ++f) EXPECT_NE(p->frames[f], clear[f]);
    auto wire = P25LduPayload::Decode(p->Encode());
    ASSERT_TRUE(wire);
    auto back = dec.Open(*wire);
    ASSERT_TRUE(back) << back.error().ToString();
    EXPECT_EQ(*back, clear) << i;
  }
}

TEST(P25VoiceStream, LateEntryAndLostLdusNeedNothingElse) {
  auto enc = P25VoiceEncryptor::Create(p25::kAlgidAes256, 7, Tek(), kMi);
  ASSERT_TRUE(enc);
  SyntheticImbeSource src(9);
  std::vector<std::pair<LduFrames, P25LduPayload>> sent;
  for (int i = 0; i < 12; ++i) {
    LduFrames clear = src.NextLdu();
    auto p = enc->Seal(clear);
    ASSERT_TRUE(p);
    sent.emplace_back(clear, *p);
  }
  P25VoiceDecryptor late(p25::kAlgidAes256, 7, Tek());
  for (size_t i : {5u, 6u, 9u, 11u}) {  // joins at an LDU2, then loses LDUs
    auto back = late.Open(sent[i].second);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, sent[i].first) << i;
  }
}

TEST(P25VoiceStream, OtherKeysCannotRecoverTheFrames) {
  auto enc = P25VoiceEncryptor::Create(p25::kAlgidAes256, 7, Tek(), kMi);
  ASSERT_TRUE(enc);
  SyntheticImbeSource src(1);
  LduFrames clear = src.NextLdu();
  auto p = enc->Seal(clear);
  ASSERT_TRUE(p);
  P25VoiceDecryptor other_kid(p25::kAlgidAes256, 8, Tek());
  EXPECT_EQ(other_kid.Open(*p).error().kind(), ErrorKind::kWrongRecipient);
  P25VoiceDecryptor other_key(p25::kAlgidAes256, 7, crypto::RandomSecret(32));
  auto wrong = other_key.Open(*p);
  ASSERT_TRUE(wrong);
  EXPECT_NE(*wrong, clear);
  P25LduPayload zero = *p;
  zero.mi = p25::MessageIndicator();
  P25VoiceDecryptor fresh(p25::kAlgidAes256, 7, Tek());
  EXPECT_FALSE(fresh.Open(zero));
  EXPECT_FALSE(P25VoiceEncryptor::Create(p25::kAlgidClear, 7, Tek(), kMi));
  EXPECT_FALSE(P25VoiceEncryptor::Create(p25::kAlgidAes256, 7, Tek(), p25::MessageIndicator()));
}

TEST(SyntheticImbeSource, IsDeterministicPerSeed) {
  SyntheticImbeSource a(5);
  SyntheticImbeSource b(5);
  SyntheticImbeSource c(6);
  auto fa = a.NextLdu();
  EXPECT_EQ(fa, b.NextLdu());
  EXPECT_NE(fa, c.NextLdu());
  EXPECT_NE(fa[0], fa[1]);
}

}  // namespace
}  // namespace kb::media
