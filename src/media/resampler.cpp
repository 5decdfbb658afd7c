// 2:1 and 1:2 sample-rate conversion with a windowed-sinc FIR low-pass.
#include "media/resampler.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace kb::media {

namespace {

int16_t Saturate(float v) {
  return static_cast<int16_t>(std::clamp(std::lround(v), -32768L, 32767L));
}

}  // namespace

HalfbandResampler::HalfbandResampler() {
  // h[n] = 2 fc sinc(2 fc (n - M/2)) * Blackman(n), fc = 3600 / 16000, normalised to DC gain 1.
  constexpr double kFc = 3600.0 / 16000.0;
  constexpr double kM = kResamplerTaps - 1;
  double sum = 0;
  std::array<double, kResamplerTaps> h{};
  for (size_t n = 0; n < kResamplerTaps; ++n) {
    double x = static_cast<double>(n) - kM / 2;
    double sinc =
        x == 0 ? 2 * kFc : std::sin(2 * std::numbers::pi * kFc * x) / (std::numbers::pi * x);
    double w = 0.42 - 0.5 * std::cos(2 * std::numbers::pi * static_cast<double>(n) / kM) +
               0.08 * std::cos(4 * std::numbers::pi * static_cast<double>(n) / kM);
    h[n] = sinc * w;
    sum += h[n];
  }
  for (size_t n = 0; n < kResamplerTaps; ++n) taps_[n] = static_cast<float>(h[n] / sum);
  // Zero-stuffed input u (u[2m] = 2 x[m], u[2m+1] = 0) filtered by taps_ (symmetric):
  //   y[2m]   = sum_j 2 taps_[2j]     x[m - j],  j = 0..23
  //   y[2m+1] = sum_j 2 taps_[2j + 1] x[m - j],  j = 0..22
  // where y[2m+1] is the output after the zero that follows x[m]: the newest sample then sits at
  // tap 1. Reversed (oldest first) to run over the history ring.
  for (size_t j = 0; j < kEvenTaps; ++j) {
    up_even_[kEvenTaps - 1 - j] = 2.0f * taps_[2 * j];
    if (j < kOddTaps) up_odd_[kEvenTaps - 1 - j] = 2.0f * taps_[2 * j + 1];
  }
}

Status HalfbandResampler::Down(std::span<const int16_t> in, std::span<int16_t> out) {
  if (in.size() != 2 * out.size()) {
    return Fail(Error::InvalidArgument("resampler: 16 kHz input must be twice the output"));
  }
  for (size_t i = 0; i < out.size(); ++i) {
    for (size_t j = 0; j < 2; ++j) {
      wide_pos_ = wide_pos_ + 1 == kResamplerTaps ? 0 : wide_pos_ + 1;
      auto x = static_cast<float>(in[2 * i + j]);
      wide_history_[wide_pos_] = x;
      wide_history_[wide_pos_ + kResamplerTaps] = x;
    }
    // wide_history_[wide_pos_ + 1 .. wide_pos_ + kResamplerTaps]: oldest to newest.
    const float* x = &wide_history_[wide_pos_ + 1];
    float a0 = 0;
    float a1 = 0;
    for (size_t k = 0; k + 1 < kResamplerTaps; k += 2) {
      a0 += taps_[k] * x[k];
      a1 += taps_[k + 1] * x[k + 1];
    }
    out[i] = Saturate(a0 + a1 + taps_[kResamplerTaps - 1] * x[kResamplerTaps - 1]);
  }
  return Ok();
}

Status HalfbandResampler::Up(std::span<const int16_t> in, std::span<int16_t> out) {
  if (out.size() != 2 * in.size()) {
    return Fail(Error::InvalidArgument("resampler: 16 kHz output must be twice the input"));
  }
  for (size_t i = 0; i < in.size(); ++i) {
    narrow_pos_ = narrow_pos_ + 1 == kEvenTaps ? 0 : narrow_pos_ + 1;
    auto v = static_cast<float>(in[i]);
    narrow_history_[narrow_pos_] = v;
    narrow_history_[narrow_pos_ + kEvenTaps] = v;
    const float* x = &narrow_history_[narrow_pos_ + 1];  // oldest to newest
    float even = 0;
    float odd = 0;
    for (size_t k = 0; k < kEvenTaps; ++k) {
      even += up_even_[k] * x[k];
      odd += up_odd_[k] * x[k];
    }
    out[2 * i] = Saturate(even);
    out[2 * i + 1] = Saturate(odd);
  }
  return Ok();
}

}  // namespace kb::media
