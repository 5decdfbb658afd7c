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
}

void HalfbandResampler::Push(float x) {
  pos_ = (pos_ + 1) % kResamplerTaps;
  history_[pos_] = x;
  history_[pos_ + kResamplerTaps] = x;
}

float HalfbandResampler::Filter(size_t newest) const {
  // history_[newest + 1 .. newest + kResamplerTaps] holds the oldest to the newest sample.
  const float* x = &history_[newest + 1];
  float acc = 0;
  for (size_t k = 0; k < kResamplerTaps; ++k) acc += taps_[k] * x[k];
  return acc;
}

Status HalfbandResampler::Down(std::span<const int16_t> in, std::span<int16_t> out) {
  if (in.size() != 2 * out.size()) {
    return Fail(Error::InvalidArgument("resampler: 16 kHz input must be twice the output"));
  }
  for (size_t i = 0; i < out.size(); ++i) {
    Push(in[2 * i]);
    Push(in[2 * i + 1]);
    out[i] = Saturate(Filter(pos_));
  }
  return Ok();
}

Status HalfbandResampler::Up(std::span<const int16_t> in, std::span<int16_t> out) {
  if (out.size() != 2 * in.size()) {
    return Fail(Error::InvalidArgument("resampler: 16 kHz output must be twice the input"));
  }
  for (size_t i = 0; i < in.size(); ++i) {
    Push(2.0f * in[i]);  // zero-stuffing halves the energy; the gain of 2 restores it
    out[2 * i] = Saturate(Filter(pos_));
    Push(0.0f);
    out[2 * i + 1] = Saturate(Filter(pos_));
  }
  return Ok();
}

}  // namespace kb::media
