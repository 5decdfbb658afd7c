// AMR-WB (vo-amrwbenc/opencore-amrwb), the Codec2 stand-in for IMBE, the 2:1 resampler and the
// RFC 4867 payload: sizes, errors, and that a tone keeps its frequency.
#include <gtest/gtest.h>

#include "media/amr_wb_vocoder.h"
#include "media/codec2_standin_vocoder.h"
#include "media/resampler.h"
#include "tone.h"

namespace kb::media {
namespace {

using testing::DominantFrequency;
using testing::Tone;

// Runs pcm through encode and decode frame by frame; returns the decoded samples.
std::vector<int16_t> RoundTrip(Vocoder& v, const std::vector<int16_t>& pcm) {
  size_t n = v.frame_samples();
  std::vector<int16_t> out(pcm.size());
  Bytes coded(v.frame_size());
  for (size_t at = 0; at + n <= pcm.size(); at += n) {
    EXPECT_TRUE(v.Encode(std::span(pcm).subspan(at, n), coded));
    EXPECT_TRUE(v.Decode(coded, std::span(out).subspan(at, n)));
  }
  return out;
}

TEST(AmrWbVocoder, ToneKeepsItsFrequency) {
  auto v = AmrWbVocoder::Create();
  ASSERT_TRUE(v);
  EXPECT_EQ((*v)->sample_rate(), 16000u);
  EXPECT_EQ((*v)->frame_samples(), 320u);
  EXPECT_EQ((*v)->frame_size(), 33u);
  EXPECT_FALSE((*v)->stand_in());
  for (double hz : {440.0, 1000.0, 3000.0}) {
    auto out = RoundTrip(**v, Tone(hz, 16000, 16000, 8000));
    // Skip the codec's start-up (the first 100 ms).
    double f = DominantFrequency(std::span(out).subspan(1600), 16000, 200, 6000, 20);
    EXPECT_NEAR(f, hz, 20) << hz;
  }
}

TEST(AmrWbVocoder, FrameSizesAndErrors) {
  EXPECT_EQ(AmrWbStorageFrameSize(0), 18u);
  EXPECT_EQ(AmrWbStorageFrameSize(2), 33u);
  EXPECT_EQ(AmrWbStorageFrameSize(8), 61u);
  EXPECT_EQ(AmrWbStorageFrameSize(9), 6u);
  EXPECT_EQ(AmrWbStorageFrameSize(15), 1u);
  EXPECT_EQ(AmrWbStorageFrameSize(10), 0u);
  auto v = AmrWbVocoder::Create();
  ASSERT_TRUE(v);
  std::vector<int16_t> pcm(320);
  Bytes bad(33, 0);
  bad[0] = 0x54;  // FT 10: reserved
  EXPECT_EQ((*v)->Decode(bad, pcm).error().kind(), ErrorKind::kMalformed);
  Bytes short_frame(20, 0);
  short_frame[0] = 0x14;  // FT 2 needs 33 octets
  EXPECT_EQ((*v)->Decode(short_frame, pcm).error().kind(), ErrorKind::kMalformed);
  Bytes out(33);
  std::vector<int16_t> wrong(160);
  EXPECT_EQ((*v)->Encode(wrong, out).error().kind(), ErrorKind::kInvalidArgument);
  EXPECT_FALSE(AmrWbVocoder::Create(9));
}

TEST(AmrWbPayload, OctetAlignedRoundTripAndErrors) {
  Bytes frame(33, 0x11);
  frame[0] = 0x14;  // FT 2, Q 1
  Bytes payload = AmrWbRtpPayload(frame);
  ASSERT_EQ(payload.size(), 34u);
  EXPECT_EQ(payload[0], 0xF0);
  auto back = AmrWbStorageFrame(payload);
  ASSERT_TRUE(back);
  EXPECT_TRUE(std::ranges::equal(*back, frame));
  Bytes multi = payload;
  multi[1] |= 0x80;
  EXPECT_EQ(AmrWbStorageFrame(multi).error().kind(), ErrorKind::kMalformed);
  EXPECT_EQ(AmrWbStorageFrame(ByteView(payload).first(20)).error().kind(), ErrorKind::kTruncated);
  Bytes longer = payload;
  longer.push_back(0);
  EXPECT_FALSE(AmrWbStorageFrame(longer));
  EXPECT_FALSE(AmrWbStorageFrame({}));
}

TEST(Codec2StandIn, IsLabelledAndKeepsAToneFrequency) {
  auto v = Codec2StandInVocoder::Create();
  ASSERT_TRUE(v);
  EXPECT_TRUE((*v)->stand_in());
  EXPECT_NE((*v)->name().find("STAND-IN"), std::string_view::npos);
  EXPECT_EQ((*v)->frame_size(), 11u);
  EXPECT_EQ((*v)->frame_samples(), 160u);
  // (Codec2 models voiced speech as harmonics of a pitch of at most ~400 Hz: tones below that
  // range come out as a harmonic, so the test tones lie above it.)
  for (double hz : {700.0, 1000.0, 1500.0}) {
    auto out = RoundTrip(**v, Tone(hz, 8000, 8000, 8000));
    double f = DominantFrequency(std::span(out).subspan(800), 8000, 200, 3800, 20);
    EXPECT_NEAR(f, hz, 60) << hz;
  }
}

TEST(Codec2StandIn, RefusesFramesThatAreNotStandInFrames) {
  auto v = Codec2StandInVocoder::Create();
  ASSERT_TRUE(v);
  std::vector<int16_t> pcm(160);
  Bytes f(11, 0);
  f[9] = 1;
  EXPECT_EQ((*v)->Decode(f, pcm).error().kind(), ErrorKind::kMalformed);
  EXPECT_EQ((*v)->Decode(Bytes(10, 0), pcm).error().kind(), ErrorKind::kMalformed);
  Bytes out(11);
  EXPECT_EQ((*v)->Encode(std::vector<int16_t>(320), out).error().kind(),
            ErrorKind::kInvalidArgument);
}

TEST(HalfbandResampler, KeepsInBandTonesAndRemovesAliases) {
  HalfbandResampler down;
  HalfbandResampler up;
  auto in = Tone(1000, 16000, 16000, 10000);
  std::vector<int16_t> narrow(8000);
  std::vector<int16_t> wide(16000);
  for (size_t at = 0; at < 8000; at += 160) {
    ASSERT_TRUE(down.Down(std::span(in).subspan(2 * at, 320), std::span(narrow).subspan(at, 160)));
    ASSERT_TRUE(up.Up(std::span(narrow).subspan(at, 160), std::span(wide).subspan(2 * at, 320)));
  }
  EXPECT_NEAR(DominantFrequency(std::span(narrow).subspan(400), 8000, 100, 3900, 10), 1000, 10);
  EXPECT_NEAR(DominantFrequency(std::span(wide).subspan(800), 16000, 100, 7900, 10), 1000, 10);
  // Amplitude preserved (power of a 10000-amplitude sine is 2.5e7 in Goertzel's |X/N|^2).
  double p = testing::GoertzelPower(std::span(wide).subspan(800, 8000), 1000, 16000);
  EXPECT_NEAR(p, 2.5e7, 0.25e7);
  // A 6 kHz tone cannot exist at 8 kHz; it must not fold back to 2 kHz.
  HalfbandResampler d2;
  auto high = Tone(6000, 16000, 3200, 10000);
  std::vector<int16_t> folded(1600);
  ASSERT_TRUE(d2.Down(high, folded));
  double leak = testing::GoertzelPower(std::span(folded).subspan(200), 2000, 8000);
  EXPECT_LT(leak, 2.5e7 * 1e-3);
  EXPECT_EQ(d2.Down(high, std::span(folded).first(10)).error().kind(), ErrorKind::kInvalidArgument);
}

}  // namespace
}  // namespace kb::media
