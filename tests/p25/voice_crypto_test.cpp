// TIA-102.AAAD voice encryption: every p25-voice.json keystream vector (AES-256, DES-OFB, ADP),
// the IMBE offsets, MI sequencing across superframes and the failure cases.
#include "p25/voice_crypto.h"

#include <gtest/gtest.h>

#include "core/encoding.h"
#include "testing/vectors.h"

namespace kb::p25 {
namespace {

using kb::testing::FindVector;
using kb::testing::Hex;
using kb::testing::LoadVectors;

Bytes Unhex(std::string_view hex) { return Hex(std::string(hex)); }

size_t HexOffset(const nlohmann::json& j) {
  Bytes b = Hex(j);
  EXPECT_EQ(b.size(), 2u);
  return (size_t{b[0]} << 8) | b[1];
}

struct Named {
  const char* name;
  TrafficCipher cipher;
};

class VoiceKeystreamVectors : public ::testing::TestWithParam<Named> {};

TEST_P(VoiceKeystreamVectors, EveryFrameOfTheVector) {
  auto v = FindVector(LoadVectors("p25-voice.json"), GetParam().name);
  Bytes key = Hex(v.at("inputs").at("key"));
  auto mi = MessageIndicator::Parse(Hex(v.at("inputs").at("mi")));
  ASSERT_TRUE(mi);
  auto ks = SuperframeKeystream::Generate(GetParam().cipher, key, *mi);
  ASSERT_TRUE(ks) << ks.error().ToString();
  const auto& out = v.at("outputs");
  if (out.contains("iv")) {
    EXPECT_EQ(ToHex(mi->AesIv()), out.at("iv").get<std::string>());
  }
  int checked = 0;
  for (Ldu ldu : {Ldu::kLdu1, Ldu::kLdu2}) {
    for (size_t p = 0; p < kImbeFramesPerLdu; ++p) {
      std::string prefix =
          std::string(ldu == Ldu::kLdu1 ? "ldu1" : "ldu2") + "_imbe" + std::to_string(p + 1);
      if (!out.contains(prefix + "_keystream")) continue;
      SCOPED_TRACE(prefix);
      auto off = ImbeKeystreamOffset(GetParam().cipher, ldu, p);
      ASSERT_TRUE(off);
      EXPECT_EQ(*off, HexOffset(out.at(prefix + "_offset")));
      auto k = ks->ImbeKeystream(ldu, p);
      ASSERT_TRUE(k);
      EXPECT_EQ(ToHex(*k), out.at(prefix + "_keystream").get<std::string>());
      // Apply XORs the same octets onto a frame.
      ImbeFrame frame{};
      ASSERT_TRUE(ks->Apply(ldu, p, frame));
      EXPECT_EQ(ToHex(frame), out.at(prefix + "_keystream").get<std::string>());
      ++checked;
    }
  }
  EXPECT_GE(checked, 4);
}

INSTANTIATE_TEST_SUITE_P(P25Voice, VoiceKeystreamVectors,
                         ::testing::Values(Named{"voice-keystream-aes256", TrafficCipher::kAes256},
                                           Named{"voice-keystream-des-ofb", TrafficCipher::kDesOfb},
                                           Named{"voice-keystream-adp", TrafficCipher::kAdp}),
                         [](const ::testing::TestParamInfo<Named>& p) {
                           switch (p.param.cipher) {
                             case TrafficCipher::kAes256:
                               return std::string("Aes256");
                             case TrafficCipher::kDesOfb:
                               return std::string("DesOfb");
                             case TrafficCipher::kAdp:
                               return std::string("Adp");
                           }
                           return std::string("unknown");
                         });

TEST(VoiceCrypto, OffsetsTileTheSuperframe) {
  for (TrafficCipher c : {TrafficCipher::kAes256, TrafficCipher::kDesOfb, TrafficCipher::kAdp}) {
    size_t last = 0;
    for (Ldu ldu : {Ldu::kLdu1, Ldu::kLdu2}) {
      for (size_t p = 0; p < kImbeFramesPerLdu; ++p) {
        size_t off = *ImbeKeystreamOffset(c, ldu, p);
        EXPECT_GE(off, KeystreamBase(c));
        EXPECT_GE(off, last);  // increasing, never overlapping
        last = off + kImbeFrameSize;
      }
    }
    EXPECT_LE(last, KeystreamLength(c));
    EXPECT_EQ(ImbeKeystreamOffset(c, Ldu::kLdu1, 9).error().kind(), ErrorKind::kInvalidArgument);
  }
}

TEST(VoiceCrypto, AlgIds) {
  EXPECT_EQ(*TrafficCipherFromAlgId(0x84), TrafficCipher::kAes256);
  EXPECT_EQ(*TrafficCipherFromAlgId(0x81), TrafficCipher::kDesOfb);
  EXPECT_EQ(*TrafficCipherFromAlgId(0xAA), TrafficCipher::kAdp);
  EXPECT_EQ(TrafficCipherFromAlgId(0x80).error().kind(), ErrorKind::kUnsupported);
  EXPECT_EQ(TrafficCipherFromAlgId(0x85).error().kind(), ErrorKind::kUnsupported);
}

TEST(VoiceCrypto, BadKeysAndZeroMi) {
  MessageIndicator mi(0x123456789abcdef0);
  EXPECT_EQ(SuperframeKeystream::Generate(TrafficCipher::kAes256, Bytes(16, 1), mi).error().kind(),
            ErrorKind::kInvalidArgument);
  EXPECT_EQ(SuperframeKeystream::Generate(TrafficCipher::kDesOfb, Bytes(9, 1), mi).error().kind(),
            ErrorKind::kInvalidArgument);
  EXPECT_EQ(SuperframeKeystream::Generate(TrafficCipher::kAdp, Bytes(6, 1), mi).error().kind(),
            ErrorKind::kInvalidArgument);
  EXPECT_EQ(SuperframeKeystream::Generate(TrafficCipher::kAdp, Bytes{}, mi).error().kind(),
            ErrorKind::kInvalidArgument);
  EXPECT_EQ(SuperframeKeystream::Generate(TrafficCipher::kAes256, Bytes(32, 1), MessageIndicator(0))
                .error()
                .kind(),
            ErrorKind::kInvalidArgument);
}

// A short ADP key is left-padded with zeros to 5 octets.
TEST(VoiceCrypto, ShortAdpKeyIsLeftPadded) {
  MessageIndicator mi(0x123456789abcdef0);
  auto a = SuperframeKeystream::Generate(TrafficCipher::kAdp, Unhex("0000000405"), mi);
  auto b = SuperframeKeystream::Generate(TrafficCipher::kAdp, Unhex("0405"), mi);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(ToHex(*a->ImbeKeystream(Ldu::kLdu2, 8)), ToHex(*b->ImbeKeystream(Ldu::kLdu2, 8)));
}

std::array<ImbeFrame, kImbeFramesPerSuperframe> TestFrames(uint8_t seed) {
  std::array<ImbeFrame, kImbeFramesPerSuperframe> f{};
  for (size_t i = 0; i < f.size(); ++i) {
    for (size_t j = 0; j < kImbeFrameSize; ++j) f[i][j] = static_cast<uint8_t>(seed + i * 11 + j);
  }
  return f;
}

// Three superframes through a sender and a receiver: the MI advances by the LFSR, the receiver
// recovers every frame, and each superframe uses a new keystream.
TEST(VoiceCipher, SequencingAcrossSuperframes) {
  for (TrafficCipher c : {TrafficCipher::kAes256, TrafficCipher::kDesOfb, TrafficCipher::kAdp}) {
    Bytes key(c == TrafficCipher::kAes256 ? 32 : c == TrafficCipher::kDesOfb ? 8 : 5, 0x5c);
    MessageIndicator mi0(0x7030f1f765692667);
    auto tx = VoiceCipher::Create(c, SecretBytes(ByteView(key)), mi0);
    auto rx = VoiceCipher::Create(c, SecretBytes(ByteView(key)), mi0);
    ASSERT_TRUE(tx && rx);
    MessageIndicator expected = mi0;
    std::array<ImbeFrame, kImbeFramesPerSuperframe> prev_ct{};
    for (int sf = 0; sf < 3; ++sf) {
      EXPECT_EQ(tx->mi(), expected);
      EXPECT_EQ(tx->next_mi(), expected.Next());
      auto clear = TestFrames(0x10);  // the same voice every superframe
      auto frames = clear;
      ASSERT_TRUE(tx->ApplySuperframe(frames));
      EXPECT_NE(frames, clear);
      if (sf > 0) {
        EXPECT_NE(frames, prev_ct);  // a new MI gives a new keystream
      }
      prev_ct = frames;
      // The receiver decrypts frame by frame, then switches to the MI LDU2 carried.
      MessageIndicator es_mi = rx->next_mi();
      for (size_t f = 0; f < frames.size(); ++f) {
        ASSERT_TRUE(rx->Apply(f < 9 ? Ldu::kLdu1 : Ldu::kLdu2, f % 9, frames[f]));
      }
      EXPECT_EQ(frames, clear);
      ASSERT_TRUE(rx->Resync(es_mi));
      expected = expected.Next();
    }
    EXPECT_EQ(tx->mi(), expected);
    EXPECT_EQ(rx->mi(), expected);
  }
}

// Superframe 1 of a call equals a fresh keystream from LFSR(MI): late entry with the LDU2 MI.
TEST(VoiceCipher, LateEntryMatchesSender) {
  Bytes key(32, 0x21);
  MessageIndicator mi0(0x123456789abcdef0);
  auto tx = VoiceCipher::Create(TrafficCipher::kAes256, SecretBytes(ByteView(key)), mi0);
  ASSERT_TRUE(tx);
  auto sf0 = TestFrames(1);
  ASSERT_TRUE(tx->ApplySuperframe(sf0));
  auto sf1 = TestFrames(2);
  ASSERT_TRUE(tx->ApplySuperframe(sf1));
  auto late = VoiceCipher::Create(TrafficCipher::kAes256, SecretBytes(ByteView(key)), mi0.Next());
  ASSERT_TRUE(late);
  ASSERT_TRUE(late->ApplySuperframe(sf1));
  EXPECT_EQ(sf1, TestFrames(2));
  // The wrong key does not decrypt.
  Bytes wrong = key;
  wrong[0] ^= 1;
  auto bad = VoiceCipher::Create(TrafficCipher::kAes256, SecretBytes(ByteView(wrong)), mi0);
  ASSERT_TRUE(bad);
  auto again = TestFrames(1);
  auto tx2 = VoiceCipher::Create(TrafficCipher::kAes256, SecretBytes(ByteView(key)), mi0);
  ASSERT_TRUE(tx2->ApplySuperframe(again));
  ASSERT_TRUE(bad->ApplySuperframe(again));
  EXPECT_NE(again, TestFrames(1));
}

}  // namespace
}  // namespace kb::p25
