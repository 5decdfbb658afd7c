// RIFF/WAVE PCM (format 1), 16-bit mono: header and samples, little-endian.
#include "media/wav_writer.h"

#include <fstream>

namespace kb::media {

namespace {

void Le16(Bytes& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v));
  b.push_back(static_cast<uint8_t>(v >> 8));
}
void Le32(Bytes& b, uint32_t v) {
  Le16(b, static_cast<uint16_t>(v));
  Le16(b, static_cast<uint16_t>(v >> 16));
}
void Tag(Bytes& b, const char (&t)[5]) { b.insert(b.end(), t, t + 4); }

}  // namespace

Result<Bytes> EncodeWav(std::span<const int16_t> samples, uint32_t sample_rate) {
  constexpr uint16_t kChannels = 1;
  constexpr uint16_t kBits = 16;
  if (samples.size() > (0xFFFFFFFFu - 36) / 2) {
    return Fail(Error::InvalidArgument("WAV: too many samples for a RIFF file"));
  }
  auto data_size = static_cast<uint32_t>(samples.size() * 2);
  Bytes b;
  b.reserve(44 + data_size);
  Tag(b, "RIFF");
  Le32(b, 36 + data_size);
  Tag(b, "WAVE");
  Tag(b, "fmt ");
  Le32(b, 16);
  Le16(b, 1);  // PCM
  Le16(b, kChannels);
  Le32(b, sample_rate);
  Le32(b, sample_rate * kChannels * kBits / 8);  // byte rate
  Le16(b, kChannels * kBits / 8);                // block align
  Le16(b, kBits);
  Tag(b, "data");
  Le32(b, data_size);
  for (int16_t s : samples) Le16(b, static_cast<uint16_t>(s));
  return b;
}

Status WriteWav(const std::filesystem::path& path, std::span<const int16_t> samples,
                uint32_t sample_rate) {
  KB_TRY(Bytes b, EncodeWav(samples, sample_rate));
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  f.close();
  if (!f) return Fail(Error::Io("WAV: cannot write " + path.string()));
  return Ok();
}

}  // namespace kb::media
