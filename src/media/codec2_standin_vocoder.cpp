// STAND-IN for P25 IMBE: Codec2 3200 (libcodec2) in the 11-octet IMBE codeword slot.
#include "media/codec2_standin_vocoder.h"

#include <codec2/codec2.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace kb::media {

namespace {
constexpr size_t kCodec2Bytes = 8;  // 64 bits per 20 ms at 3200 bit/s
}  // namespace

Result<std::unique_ptr<Codec2StandInVocoder>> Codec2StandInVocoder::Create() {
  CODEC2* enc = codec2_create(CODEC2_MODE_3200);
  CODEC2* dec = codec2_create(CODEC2_MODE_3200);
  if (enc == nullptr || dec == nullptr || codec2_samples_per_frame(enc) != 160 ||
      codec2_bytes_per_frame(enc) != static_cast<int>(kCodec2Bytes)) {
    if (enc != nullptr) codec2_destroy(enc);
    if (dec != nullptr) codec2_destroy(dec);
    return Fail(Error::Internal("Codec2 3200 initialisation failed"));
  }
  return std::unique_ptr<Codec2StandInVocoder>(new Codec2StandInVocoder(enc, dec));
}

Codec2StandInVocoder::~Codec2StandInVocoder() {
  codec2_destroy(enc_);
  codec2_destroy(dec_);
}

Status Codec2StandInVocoder::Encode(std::span<const int16_t> pcm, std::span<uint8_t> out) {
  if (pcm.size() != frame_samples() || out.size() != frame_size()) {
    return Fail(Error::InvalidArgument(
        fmt::format("Codec2 stand-in encode: needs 160 samples and 11 octets, got {} and {}",
                    pcm.size(), out.size())));
  }
  std::array<int16_t, 160> in{};
  std::ranges::copy(pcm, in.begin());  // codec2_encode takes a non-const pointer
  std::ranges::fill(out, 0);
  codec2_encode(enc_, out.data(), in.data());
  return Ok();
}

Status Codec2StandInVocoder::Decode(ByteView frame, std::span<int16_t> pcm) {
  if (pcm.size() != frame_samples()) {
    return Fail(Error::InvalidArgument(
        fmt::format("Codec2 stand-in decode: needs 160 samples, got {}", pcm.size())));
  }
  if (frame.size() != frame_size()) {
    return Fail(Error::Malformed(
        fmt::format("Codec2 stand-in frame at offset 0: needs 11 octets, got {}", frame.size())));
  }
  if (!std::ranges::all_of(frame.subspan(kCodec2Bytes), [](uint8_t b) { return b == 0; })) {
    return Fail(Error::Malformed(
        "Codec2 stand-in frame.padding at offset 8: not zero (not a stand-in frame)"));
  }
  codec2_decode(dec_, pcm.data(), frame.data());
  return Ok();
}

}  // namespace kb::media
