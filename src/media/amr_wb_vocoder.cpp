// AMR-WB through vo-amrwbenc (encoder) and opencore-amrwb (decoder); the RFC 4867 4.4
// octet-aligned single-frame payload.
#include "media/amr_wb_vocoder.h"

extern "C" {
#include <opencore-amrwb/dec_if.h>
#include <vo-amrwbenc/enc_if.h>
}

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string>

namespace kb::media {

namespace {

// TS 26.201 Table 2: speech bits per frame type 0..9 (9 = SID).
constexpr std::array<size_t, 10> kBits = {132, 177, 253, 285, 317, 365, 397, 461, 477, 40};
constexpr std::array<const char*, 9> kRates = {"6.60",  "8.85",  "12.65", "14.25", "15.85",
                                               "18.25", "19.85", "23.05", "23.85"};

}  // namespace

size_t AmrWbStorageFrameSize(uint8_t ft) {
  if (ft < kBits.size()) return 1 + (kBits[ft] + 7) / 8;
  if (ft == 14 || ft == 15) return 1;
  return 0;
}

AmrWbVocoder::AmrWbVocoder(int mode, void* enc, void* dec)
    : mode_(mode), enc_(enc), dec_(dec), name_(fmt::format("AMR-WB {}", kRates[mode])) {}

AmrWbVocoder::~AmrWbVocoder() {
  if (enc_ != nullptr) E_IF_exit(enc_);
  if (dec_ != nullptr) D_IF_exit(dec_);
}

Result<std::unique_ptr<AmrWbVocoder>> AmrWbVocoder::Create(int mode) {
  if (mode < 0 || mode > 8) {
    return Fail(Error::InvalidArgument(fmt::format("AMR-WB mode must be 0..8, got {}", mode)));
  }
  void* enc = E_IF_init();
  void* dec = D_IF_init();
  if (enc == nullptr || dec == nullptr) {
    if (enc != nullptr) E_IF_exit(enc);
    if (dec != nullptr) D_IF_exit(dec);
    return Fail(Error::Internal("AMR-WB codec initialisation failed"));
  }
  return std::unique_ptr<AmrWbVocoder>(new AmrWbVocoder(mode, enc, dec));
}

size_t AmrWbVocoder::frame_size() const {
  return AmrWbStorageFrameSize(static_cast<uint8_t>(mode_));
}

Status AmrWbVocoder::Encode(std::span<const int16_t> pcm, std::span<uint8_t> out) {
  if (pcm.size() != frame_samples() || out.size() != frame_size()) {
    return Fail(Error::InvalidArgument(
        fmt::format("AMR-WB encode: needs {} samples and {} octets, got {} and {}", frame_samples(),
                    frame_size(), pcm.size(), out.size())));
  }
  // The encoder writes at most 61 octets; encode into a full-size buffer, then copy.
  std::array<uint8_t, 64> buf{};
  int n = E_IF_encode(enc_, mode_, pcm.data(), buf.data(), 0);
  if (n != static_cast<int>(out.size())) {
    return Fail(
        Error::Internal(fmt::format("AMR-WB encoder wrote {} octets, expected {}", n, out.size())));
  }
  std::copy_n(buf.begin(), out.size(), out.begin());
  return Ok();
}

Status AmrWbVocoder::Decode(ByteView frame, std::span<int16_t> pcm) {
  if (pcm.size() != frame_samples()) {
    return Fail(Error::InvalidArgument(
        fmt::format("AMR-WB decode: needs {} samples, got {}", frame_samples(), pcm.size())));
  }
  if (frame.empty()) return Fail(Error::Truncated("AMR-WB frame at offset 0: no ToC"));
  auto ft = static_cast<uint8_t>((frame[0] >> 3) & 0x0F);
  size_t want = AmrWbStorageFrameSize(ft);
  if (want == 0 || frame.size() != want) {
    return Fail(Error::Malformed(fmt::format(
        "AMR-WB frame.FT at offset 0: type {} needs {} octets, got {}", ft, want, frame.size())));
  }
  // The decoder may read up to a full mode-8 frame; give it a padded copy.
  std::array<uint8_t, 64> buf{};
  std::copy(frame.begin(), frame.end(), buf.begin());
  D_IF_decode(dec_, buf.data(), pcm.data(), _good_frame);
  return Ok();
}

Bytes AmrWbRtpPayload(ByteView storage_frame) {
  Bytes out;
  out.reserve(storage_frame.size() + 1);
  out.push_back(0xF0);  // CMR 15: no mode request; 4 reserved bits
  out.insert(out.end(), storage_frame.begin(), storage_frame.end());
  if (!storage_frame.empty()) out[1] &= 0x7C;  // F = 0, P bits 0
  return out;
}

Result<ByteView> AmrWbStorageFrame(ByteView rtp_payload) {
  ByteReader r(rtp_payload);
  KB_TRY(uint8_t cmr, r.U8("AMR-WB payload.CMR"));
  (void)cmr;
  KB_TRY(uint8_t toc, r.PeekU8("AMR-WB payload.ToC"));
  if ((toc & 0x80) != 0) {
    return Fail(Error::Malformed("AMR-WB payload.ToC.F at offset 1: more than one frame"));
  }
  auto ft = static_cast<uint8_t>((toc >> 3) & 0x0F);
  size_t want = AmrWbStorageFrameSize(ft);
  if (want == 0) {
    return Fail(
        Error::Malformed(fmt::format("AMR-WB payload.ToC.FT at offset 1: reserved type {}", ft)));
  }
  KB_TRY(ByteView frame, r.Take(want, "AMR-WB payload.speech"));
  KB_CHECK(r.ExpectEnd("AMR-WB payload"));
  return frame;
}

}  // namespace kb::media
