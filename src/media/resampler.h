// Sample-rate conversion by 2 between 16 kHz (AMR-WB) and 8 kHz (LMR vocoders): a linear-phase
// windowed-sinc FIR low-pass (cut-off 3.6 kHz, Blackman window), applied after zero-stuffing
// (up) or before dropping every other sample (down). Keeps its history across 20 ms frames.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "core/error.h"

namespace kb::media {

inline constexpr size_t kResamplerTaps = 47;

// One direction of one stream. Not thread-safe.
class HalfbandResampler {
 public:
  HalfbandResampler();
  // 16 kHz -> 8 kHz: out.size() * 2 == in.size() (kInvalidArgument otherwise).
  Status Down(std::span<const int16_t> in, std::span<int16_t> out);
  // 8 kHz -> 16 kHz: out.size() == in.size() * 2.
  Status Up(std::span<const int16_t> in, std::span<int16_t> out);

 private:
  float Filter(size_t newest) const;
  void Push(float x);

  std::array<float, kResamplerTaps> taps_{};
  std::array<float, 2 * kResamplerTaps> history_{};  // doubled ring: contiguous windows
  size_t pos_ = 0;
};

}  // namespace kb::media
