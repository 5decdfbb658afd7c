// RIFF/WAVE (Microsoft "Multimedia Programming Interface and Data Specifications 1.0", WAVE
// format category 1 = PCM): 16-bit mono PCM files, for demos and listening checks.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>

#include "core/bytes.h"
#include "core/error.h"

namespace kb::media {

// The whole file: 44-octet header (RIFF, fmt chunk of 16 octets, data chunk) then the samples,
// little-endian. kInvalidArgument when the data would exceed the 32-bit RIFF size.
Result<Bytes> EncodeWav(std::span<const int16_t> samples, uint32_t sample_rate);
// Writes EncodeWav's output to path (replacing it). kIo on failure.
Status WriteWav(const std::filesystem::path& path, std::span<const int16_t> samples,
                uint32_t sample_rate);

}  // namespace kb::media
