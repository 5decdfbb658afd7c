// Sample-rate conversion by 2 between 16 kHz (AMR-WB) and 8 kHz (LMR vocoders): a linear-phase
// windowed-sinc FIR low-pass (cut-off 3.6 kHz, Blackman window), applied after zero-stuffing
// (up) or before dropping every other sample (down). Keeps its history across 20 ms frames.
// Both directions are computed in polyphase form: only the outputs that are kept (down) and only
// the taps that meet non-zero samples (up) are evaluated.
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
  static constexpr size_t kEvenTaps = (kResamplerTaps + 1) / 2;  // 24
  static constexpr size_t kOddTaps = kResamplerTaps / 2;         // 23

  std::array<float, kResamplerTaps> taps_{};
  // Up: the two phases of 2 * taps (zero-stuffing halves the energy; the gain of 2 restores it),
  // reversed so that they run oldest to newest over the 8 kHz history.
  std::array<float, kEvenTaps> up_even_{};
  std::array<float, kEvenTaps> up_odd_{};  // last entry 0
  // Doubled rings (contiguous windows): the last kResamplerTaps 16 kHz samples (down) and the
  // last kEvenTaps 8 kHz samples (up).
  std::array<float, 2 * kResamplerTaps> wide_history_{};
  size_t wide_pos_ = 0;
  std::array<float, 2 * kEvenTaps> narrow_history_{};
  size_t narrow_pos_ = 0;
};

}  // namespace kb::media
