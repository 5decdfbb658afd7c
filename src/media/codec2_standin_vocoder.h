// STAND-IN for the P25 Phase 1 IMBE vocoder (TIA-102.BABA): Codec2 3200 bit/s (Debian
// libcodec2) carried in the 88-bit IMBE codeword slot. No open IMBE encoder is packaged in
// Debian and none is written here (spec p25-otar.md 12.1), so the LMR side of the security
// gateway uses this labelled stand-in behind the Vocoder interface. Real P25 radios cannot
// decode it; the LMR encryption (TIA-102.AAAD) treats the slot exactly as an IMBE codeword.
#pragma once

#include <memory>

#include "media/vocoder.h"

struct CODEC2;

namespace kb::media {

// The label logs and documents use for this codec.
inline constexpr std::string_view kCodec2StandInName =
    "Codec2-3200 in the IMBE slot (STAND-IN, not P25 IMBE)";

// 8 kHz, 20 ms (160 samples) -> 11 octets: the 8 octets of one Codec2 3200 frame, then 3 zero
// octets (the rest of the 88 IMBE information bits).
class Codec2StandInVocoder final : public Vocoder {
 public:
  static Result<std::unique_ptr<Codec2StandInVocoder>> Create();
  ~Codec2StandInVocoder() override;

  std::string_view name() const override { return kCodec2StandInName; }
  bool stand_in() const override { return true; }
  uint32_t sample_rate() const override { return 8000; }
  size_t frame_size() const override { return 11; }
  Status Encode(std::span<const int16_t> pcm, std::span<uint8_t> out) override;
  // kMalformed when the 3 padding octets are not zero (not a stand-in frame).
  Status Decode(ByteView frame, std::span<int16_t> pcm) override;

 private:
  Codec2StandInVocoder(CODEC2* enc, CODEC2* dec) : enc_(enc), dec_(dec) {}
  CODEC2* enc_;
  CODEC2* dec_;
};

}  // namespace kb::media
