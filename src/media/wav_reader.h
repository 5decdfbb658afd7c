// RIFF/WAVE (Microsoft "Multimedia Programming Interface and Data Specifications 1.0", WAVE
// format category 1 = PCM): reading 16-bit mono PCM files, the talker's input of a call.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"

namespace kb::media {

struct WavAudio {
  uint32_t sample_rate = 0;
  std::vector<int16_t> samples;
};

// Parses a RIFF/WAVE file: the fmt chunk must say PCM (1), one channel, 16 bits; chunks other
// than fmt and data are skipped. kTruncated/kMalformed naming the field and offset,
// kUnsupported for another format, channel count or sample size.
Result<WavAudio> DecodeWav(ByteView file);
// Reads and decodes path (at most 64 MiB). kIo when it cannot be read.
Result<WavAudio> ReadWav(const std::filesystem::path& path);

}  // namespace kb::media
