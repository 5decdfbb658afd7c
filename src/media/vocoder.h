// The vocoder interface of the security gateway (spec p25-otar.md 12.2): 20 ms frames of
// 16-bit mono PCM at 8 or 16 kHz in, one coded frame out, and back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/bytes.h"
#include "core/error.h"

namespace kb::media {

inline constexpr uint32_t kFramesPerSecond = 50;  // 20 ms frames

// One direction of one codec instance (encoders and decoders keep state between frames). Not
// thread-safe.
class Vocoder {
 public:
  virtual ~Vocoder() = default;

  // What it is, as logs and documents name it. A stand-in says so in its name.
  virtual std::string_view name() const = 0;
  // True for a codec that takes the place of one keybridge cannot build (e.g. Codec2 for IMBE).
  virtual bool stand_in() const = 0;
  virtual uint32_t sample_rate() const = 0;
  size_t frame_samples() const { return sample_rate() / kFramesPerSecond; }
  // Octets of one coded frame as Encode writes it.
  virtual size_t frame_size() const = 0;

  // pcm: frame_samples() samples; out: frame_size() octets. kInvalidArgument on other sizes.
  virtual Status Encode(std::span<const int16_t> pcm, std::span<uint8_t> out) = 0;
  // frame: one coded frame; pcm: frame_samples() samples. kMalformed for a frame the codec
  // cannot take, kInvalidArgument for a wrong pcm size.
  virtual Status Decode(ByteView frame, std::span<int16_t> pcm) = 0;
};

}  // namespace kb::media
