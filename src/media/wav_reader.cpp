// RIFF/WAVE PCM (format 1) reader: 16-bit mono, little-endian samples.
#include "media/wav_reader.h"

#include <fmt/format.h>

#include <fstream>
#include <optional>

namespace kb::media {

namespace {

// ByteReader reads big-endian; RIFF is little-endian.
Result<uint16_t> Le16(ByteReader& r, std::string_view field) {
  KB_TRY(ByteView b, r.Take(2, field));
  return static_cast<uint16_t>(b[0] | b[1] << 8);
}
Result<uint32_t> Le32(ByteReader& r, std::string_view field) {
  KB_TRY(ByteView b, r.Take(4, field));
  return uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16 | uint32_t{b[3]} << 24;
}
Result<std::string> Tag(ByteReader& r, std::string_view field) {
  KB_TRY(ByteView b, r.Take(4, field));
  return std::string(AsString(b));
}

}  // namespace

Result<WavAudio> DecodeWav(ByteView file) {
  ByteReader r(file);
  KB_TRY(std::string riff, Tag(r, "RIFF tag"));
  if (riff != "RIFF") return Fail(r.MalformedAt("RIFF tag", "not RIFF"));
  KB_TRY(uint32_t riff_size, Le32(r, "RIFF size"));
  (void)riff_size;  // files written by streaming tools often leave it wrong; chunks decide
  KB_TRY(std::string wave, Tag(r, "WAVE tag"));
  if (wave != "WAVE") return Fail(r.MalformedAt("WAVE tag", "not WAVE"));
  std::optional<uint32_t> rate;
  while (!r.empty()) {
    KB_TRY(std::string id, Tag(r, "chunk id"));
    KB_TRY(uint32_t size, Le32(r, "chunk size"));
    KB_TRY(ByteReader chunk, r.Sub(size, "chunk " + id));
    if (size % 2 == 1 && !r.empty()) KB_CHECK(r.Take(1, "chunk pad"));
    if (id == "fmt ") {
      KB_TRY(uint16_t format, Le16(chunk, "fmt format"));
      KB_TRY(uint16_t channels, Le16(chunk, "fmt channels"));
      KB_TRY(uint32_t sample_rate, Le32(chunk, "fmt sample rate"));
      KB_CHECK(chunk.Take(6, "fmt byte rate and block align"));
      KB_TRY(uint16_t bits, Le16(chunk, "fmt bits per sample"));
      if (format != 1 || channels != 1 || bits != 16) {
        return Fail(Error::Unsupported(fmt::format(
            "WAV: format {} with {} channels of {} bits; 16-bit mono PCM (format 1) needed", format,
            channels, bits)));
      }
      if (sample_rate == 0) return Fail(chunk.MalformedAt("fmt sample rate", "zero"));
      rate = sample_rate;
    } else if (id == "data") {
      if (!rate) return Fail(chunk.MalformedAt("data", "data chunk before the fmt chunk"));
      if (size % 2 != 0) return Fail(chunk.MalformedAt("data", "odd length for 16-bit samples"));
      WavAudio out;
      out.sample_rate = *rate;
      out.samples.reserve(size / 2);
      while (!chunk.empty()) {
        KB_TRY(uint16_t s, Le16(chunk, "sample"));
        out.samples.push_back(static_cast<int16_t>(s));
      }
      return out;
    }
  }
  return Fail(Error::Malformed("WAV: no data chunk"));
}

Result<WavAudio> ReadWav(const std::filesystem::path& path) {
  constexpr uintmax_t kMax = 64 << 20;
  std::error_code ec;
  uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return Fail(Error::Io("WAV: cannot read " + path.string() + ": " + ec.message()));
  if (size > kMax) return Fail(Error::InvalidArgument("WAV: " + path.string() + " is over 64 MiB"));
  std::ifstream f(path, std::ios::binary);
  Bytes b(static_cast<size_t>(size));
  f.read(reinterpret_cast<char*>(b.data()), static_cast<std::streamsize>(b.size()));
  if (!f) return Fail(Error::Io("WAV: cannot read " + path.string()));
  auto w = DecodeWav(b);
  if (!w) return Fail(w.error().Within(path.string()));
  return w;
}

}  // namespace kb::media
