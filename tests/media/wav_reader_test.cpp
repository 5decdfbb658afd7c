// RIFF/WAVE PCM reader: round trip with the writer, chunks skipped, refusals with the field.
#include "media/wav_reader.h"

#include <gtest/gtest.h>

#include "media/wav_writer.h"

namespace kb::media {
namespace {

TEST(WavReader, RoundTripWithTheWriter) {
  std::vector<int16_t> s = {0, 1, -1, 32767, -32768, 1234};
  auto b = EncodeWav(s, 8000);
  ASSERT_TRUE(b);
  auto w = DecodeWav(*b);
  ASSERT_TRUE(w) << w.error().ToString();
  EXPECT_EQ(w->sample_rate, 8000u);
  EXPECT_EQ(w->samples, s);
}

TEST(WavReader, SkipsOtherChunksWithPadding) {
  std::vector<int16_t> s = {7, -7};
  Bytes b = *EncodeWav(s, 16000);
  // A 3-octet LIST chunk (padded to 4) between fmt and data.
  Bytes list = {'L', 'I', 'S', 'T', 3, 0, 0, 0, 'a', 'b', 'c', 0};
  b.insert(b.begin() + 36, list.begin(), list.end());
  auto w = DecodeWav(b);
  ASSERT_TRUE(w) << w.error().ToString();
  EXPECT_EQ(w->samples, s);
}

TEST(WavReader, Refusals) {
  Bytes good = *EncodeWav(std::vector<int16_t>{1, 2, 3}, 8000);
  Bytes stereo = good;
  stereo[22] = 2;  // channels
  EXPECT_EQ(DecodeWav(stereo).error().kind(), ErrorKind::kUnsupported);
  Bytes eight_bit = good;
  eight_bit[34] = 8;  // bits per sample
  EXPECT_EQ(DecodeWav(eight_bit).error().kind(), ErrorKind::kUnsupported);
  Bytes not_riff = good;
  not_riff[0] = 'X';
  EXPECT_EQ(DecodeWav(not_riff).error().kind(), ErrorKind::kMalformed);
  // Truncated inside the data chunk: its declared size runs past the end.
  Bytes cut(good.begin(), good.end() - 2);
  auto t = DecodeWav(cut);
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().message().find("chunk data"), std::string::npos) << t.error().message();
  // No data chunk at all.
  Bytes header_only(good.begin(), good.begin() + 36);
  EXPECT_FALSE(DecodeWav(header_only));
  EXPECT_EQ(ReadWav("/nonexistent/x.wav").error().kind(), ErrorKind::kIo);
}

}  // namespace
}  // namespace kb::media
