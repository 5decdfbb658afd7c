// RIFF/WAVE PCM writer: the 44-octet header fields and little-endian samples.
#include "media/wav_writer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace kb::media {
namespace {

uint32_t Le32(const Bytes& b, size_t at) {
  return b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (uint32_t{b[at + 3]} << 24);
}

TEST(WavWriter, HeaderAndSamples) {
  std::vector<int16_t> s = {0, 1, -1, 32767, -32768};
  auto b = EncodeWav(s, 16000);
  ASSERT_TRUE(b);
  ASSERT_EQ(b->size(), 44u + 10u);
  EXPECT_EQ(std::string(b->begin(), b->begin() + 4), "RIFF");
  EXPECT_EQ(Le32(*b, 4), 36u + 10u);
  EXPECT_EQ(std::string(b->begin() + 8, b->begin() + 16), "WAVEfmt ");
  EXPECT_EQ(Le32(*b, 16), 16u);
  EXPECT_EQ((*b)[20], 1);  // PCM
  EXPECT_EQ((*b)[22], 1);  // mono
  EXPECT_EQ(Le32(*b, 24), 16000u);
  EXPECT_EQ(Le32(*b, 28), 32000u);
  EXPECT_EQ((*b)[32], 2);
  EXPECT_EQ((*b)[34], 16);
  EXPECT_EQ(std::string(b->begin() + 36, b->begin() + 40), "data");
  EXPECT_EQ(Le32(*b, 40), 10u);
  EXPECT_EQ((*b)[46], 0x01);
  EXPECT_EQ((*b)[48], 0xFF);
  EXPECT_EQ((*b)[49], 0xFF);
  EXPECT_EQ((*b)[50], 0xFF);
  EXPECT_EQ((*b)[51], 0x7F);
  EXPECT_EQ((*b)[53], 0x80);
}

TEST(WavWriter, WritesAFileAndReportsFailures) {
  auto path = std::filesystem::temp_directory_path() / "kb_wav_writer_test.wav";
  std::vector<int16_t> s(160, 100);
  ASSERT_TRUE(WriteWav(path, s, 8000));
  std::ifstream f(path, std::ios::binary);
  Bytes b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_EQ(b.size(), 44u + 320u);
  std::filesystem::remove(path);
  auto bad = WriteWav("/nonexistent-dir/x.wav", s, 8000);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind(), ErrorKind::kIo);
}

}  // namespace
}  // namespace kb::media
