// keybridge media spectrogram: short-time Fourier transform (Hann window, own radix-2 FFT) of
// 16-bit mono PCM RIFF/WAVE files, drawn as one labelled panel per input, stacked, in a PNG
// (ISO/IEC 15948, written by libpng). For the demo's "input vs output" of a call.
#include <fmt/format.h>
#include <png.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numbers>
#include <string>
#include <vector>

#include "app/commands.h"
#include "app/output.h"
#include "core/bytes.h"
#include "media/wav_reader.h"

namespace kb::app {
namespace {

// In-place iterative radix-2 decimation-in-time FFT; a.size() a power of two.
void Fft(std::vector<std::complex<double>>& a) {
  const size_t n = a.size();
  for (size_t i = 1, j = 0; i < n; ++i) {
    size_t bit = n >> 1;
    for (; (j & bit) != 0; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  for (size_t len = 2; len <= n; len <<= 1) {
    double ang = -2 * std::numbers::pi / static_cast<double>(len);
    std::complex<double> wl(std::cos(ang), std::sin(ang));
    for (size_t i = 0; i < n; i += len) {
      std::complex<double> w(1);
      for (size_t k = 0; k < len / 2; ++k) {
        std::complex<double> u = a[i + k];
        std::complex<double> v = a[i + k + len / 2] * w;
        a[i + k] = u + v;
        a[i + k + len / 2] = u - v;
        w *= wl;
      }
    }
  }
}

// 3x5 glyphs (rows top to bottom, 3 bits each, MSB left) for the labels; lower case is drawn as
// upper case, anything else as a blank.
uint16_t Glyph(char c) {
  static constexpr std::string_view kChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:/()";
  static constexpr std::array<uint16_t, 43> kGlyphs = {
      0x2BED, 0x6BAE, 0x3923, 0x6B6E, 0x79A7, 0x79A4, 0x396B, 0x5BED, 0x7497, 0x126A, 0x5BAD,
      0x4927, 0x5FED, 0x6B6D, 0x2B6A, 0x6BA4, 0x2B73, 0x6BAD, 0x388E, 0x7492, 0x5B6F, 0x5B6A,
      0x5BFD, 0x5AAD, 0x5A92, 0x72A7, 0x7B6F, 0x2C97, 0x62A7, 0x628E, 0x5BC9, 0x798E, 0x39EF,
      0x7292, 0x7BEF, 0x7BCE, 0x0002, 0x01C0, 0x0007, 0x0410, 0x12A4, 0x2922, 0x224A};
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  size_t i = kChars.find(c);
  return i == std::string_view::npos ? 0 : kGlyphs[i];
}

struct Image {
  size_t width, height;
  std::vector<uint8_t> rgb;
  void Set(size_t x, size_t y, std::array<uint8_t, 3> c) {
    if (x >= width || y >= height) return;
    std::copy(c.begin(), c.end(), rgb.begin() + static_cast<std::ptrdiff_t>(3 * (y * width + x)));
  }
  void Text(size_t x, size_t y, std::string_view s, size_t scale) {
    for (char c : s) {
      uint16_t g = Glyph(c);
      for (size_t row = 0; row < 5; ++row) {
        for (size_t col = 0; col < 3; ++col) {
          if (((g >> (14 - 3 * row - col)) & 1) == 0) continue;
          for (size_t dy = 0; dy < scale; ++dy) {
            for (size_t dx = 0; dx < scale; ++dx) {
              Set(x + col * scale + dx, y + row * scale + dy, {255, 255, 255});
            }
          }
        }
      }
      x += 4 * scale;
    }
  }
};

// dB in [-90, 0] (re full scale) -> black, blue, red, yellow, white.
std::array<uint8_t, 3> Heat(double db) {
  double t = std::clamp((db + 90) / 90, 0.0, 1.0);
  auto ramp = [](double v) { return static_cast<uint8_t>(std::clamp(v, 0.0, 1.0) * 255); };
  return {ramp(3 * t - 1), ramp(3 * t - 2), ramp(t < 0.33 ? 3 * t : 2 - 3 * t)};
}

constexpr double kHopSeconds = 0.010;  // one column per 10 ms
constexpr size_t kPanelHeight = 256;   // rows for 0 .. the highest Nyquist frequency
constexpr size_t kLabelHeight = 16;
constexpr size_t kMargin = 4;

struct SpectrogramFlags {
  std::vector<std::string> in;
  std::string out;
};

Status Spectrogram(const SpectrogramFlags& f) {
  std::vector<media::WavAudio> inputs;
  for (const auto& path : f.in) {
    auto pcm = media::ReadWav(path);
    if (!pcm) return Fail(pcm.error());
    if (pcm->samples.empty()) return Fail(Error::InvalidArgument(path + ": no samples"));
    inputs.push_back(std::move(*pcm));
  }
  double nyquist = 0;
  double seconds = 0;
  for (const auto& p : inputs) {
    nyquist = std::max(nyquist, p.sample_rate / 2.0);
    seconds = std::max(seconds, static_cast<double>(p.samples.size()) / p.sample_rate);
  }
  Image img;
  img.width = std::max<size_t>(static_cast<size_t>(seconds / kHopSeconds), 200);
  img.height = inputs.size() * (kLabelHeight + kPanelHeight + kMargin);
  img.rgb.assign(3 * img.width * img.height, 0);
  for (size_t p = 0; p < inputs.size(); ++p) {
    const media::WavAudio& in = inputs[p];
    size_t top = p * (kLabelHeight + kPanelHeight + kMargin);
    img.Text(2, top + 3,
             fmt::format("{} ({} HZ, {:.2f} S, 0-{:.0f} HZ)",
                         std::filesystem::path(f.in[p]).filename().string(), in.sample_rate,
                         static_cast<double>(in.samples.size()) / in.sample_rate, nyquist),
             2);
    // Window: 32 ms rounded up to a power of two (256 at 8 kHz, 512 at 16 kHz).
    size_t n = 1;
    while (static_cast<double>(n) < 0.032 * in.sample_rate) n <<= 1;
    std::vector<double> hann(n);
    double gain = 0;
    for (size_t i = 0; i < n; ++i) {
      hann[i] = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * static_cast<double>(i) /
                                     static_cast<double>(n));
      gain += hann[i];
    }
    std::vector<std::complex<double>> a(n);
    size_t panel_top = top + kLabelHeight;
    for (size_t x = 0; x < img.width; ++x) {
      auto start = static_cast<size_t>(static_cast<double>(x) * kHopSeconds * in.sample_rate);
      if (start >= in.samples.size()) break;
      for (size_t i = 0; i < n; ++i) {
        double s = start + i < in.samples.size() ? in.samples[start + i] / 32768.0 : 0;
        a[i] = s * hann[i];
      }
      Fft(a);
      for (size_t y = 0; y < kPanelHeight; ++y) {
        double freq = nyquist * static_cast<double>(kPanelHeight - 1 - y) / (kPanelHeight - 1);
        if (freq > in.sample_rate / 2.0) continue;  // above this input's Nyquist: stays black
        auto bin = static_cast<size_t>(std::lround(freq * static_cast<double>(n) / in.sample_rate));
        bin = std::min(bin, n / 2);
        double mag = 2 * std::abs(a[bin]) / gain;  // a full-scale sine: 0 dB
        img.Set(x, panel_top + y, Heat(20 * std::log10(mag + 1e-9)));
      }
    }
  }
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  png.width = static_cast<png_uint_32>(img.width);
  png.height = static_cast<png_uint_32>(img.height);
  png.format = PNG_FORMAT_RGB;
  if (png_image_write_to_file(&png, f.out.c_str(), 0, img.rgb.data(), 0, nullptr) == 0) {
    std::string why = png.message;
    png_image_free(&png);
    return Fail(Error::Io("cannot write " + f.out + ": " + why));
  }
  std::printf("%s: %zu panels, %zux%zu pixels, %.0f ms per column, 0-%.0f Hz\n", f.out.c_str(),
              inputs.size(), img.width, img.height, kHopSeconds * 1000, nyquist);
  return Ok();
}

}  // namespace

void RegisterMediaCommands(CLI::App& app) {
  auto* media = app.add_subcommand("media", "media tools for calls");
  media->require_subcommand(1);
  static SpectrogramFlags s;
  auto* c = media->add_subcommand(
      "spectrogram",
      "short-time spectra of WAV files (16-bit mono PCM) as a PNG: one labelled panel per input, "
      "stacked, on one frequency axis");
  c->add_option("--in", s.in, "a WAV file (repeat for more panels)")->required();
  c->add_option("--out", s.out, "the PNG file to write")->required();
  c->callback([] { ExitCode() = Report(Spectrogram(s)); });
}

}  // namespace kb::app
