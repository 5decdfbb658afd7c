// Test helpers: a sine tone generator and the Goertzel algorithm (the power of one frequency
// bin), to check that audio keeps its frequency through codecs and resamplers.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <span>
#include <vector>

namespace kb::media::testing {

inline std::vector<int16_t> Tone(double hz, uint32_t rate, size_t samples, double amplitude,
                                 size_t phase_offset = 0) {
  std::vector<int16_t> out(samples);
  for (size_t i = 0; i < samples; ++i) {
    double t = static_cast<double>(i + phase_offset) / rate;
    out[i] = static_cast<int16_t>(std::lround(amplitude * std::sin(2 * std::numbers::pi * hz * t)));
  }
  return out;
}

// Goertzel: |X(f)|^2 / N^2 of the samples at frequency hz.
inline double GoertzelPower(std::span<const int16_t> x, double hz, uint32_t rate) {
  double w = 2 * std::numbers::pi * hz / rate;
  double c = 2 * std::cos(w);
  double s1 = 0;
  double s2 = 0;
  for (int16_t v : x) {
    double s0 = v + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  double p = s1 * s1 + s2 * s2 - c * s1 * s2;
  double n = static_cast<double>(x.size());
  return p / (n * n);
}

// The frequency (in steps of step_hz from lo to hi) with the most Goertzel power.
inline double DominantFrequency(std::span<const int16_t> x, uint32_t rate, double lo, double hi,
                                double step_hz) {
  double best = lo;
  double best_p = -1;
  for (double f = lo; f <= hi; f += step_hz) {
    double p = GoertzelPower(x, f, rate);
    if (p > best_p) {
      best_p = p;
      best = f;
    }
  }
  return best;
}

}  // namespace kb::media::testing
