// AMR-WB (3GPP TS 26.171/26.173, the MCPTT codec) through Debian's vo-amrwbenc (encoder) and
// opencore-amrwb (decoder). Frames are in the TS 26.201 / RFC 4867 section 5 storage form:
// one ToC octet (FT, Q) then the speech bits, padded to whole octets.
#pragma once

#include <memory>

#include "media/vocoder.h"

namespace kb::media {

// AMR-WB codec modes (FT 0..8), in kbit/s: 6.60 8.85 12.65 14.25 15.85 18.25 19.85 23.05 23.85.
inline constexpr int kAmrWbMode1265 = 2;

// Octets of a storage-form frame (ToC included) of frame type ft: 18..61 for speech modes 0..8,
// 6 for SID (9), 1 for NO_DATA (15) and SPEECH_LOST (14); 0 for the reserved types.
size_t AmrWbStorageFrameSize(uint8_t ft);

class AmrWbVocoder final : public Vocoder {
 public:
  // mode: 0..8 (the encoder's rate). DTX off.
  static Result<std::unique_ptr<AmrWbVocoder>> Create(int mode = kAmrWbMode1265);
  ~AmrWbVocoder() override;

  std::string_view name() const override { return name_; }
  bool stand_in() const override { return false; }
  uint32_t sample_rate() const override { return 16000; }
  size_t frame_size() const override;
  Status Encode(std::span<const int16_t> pcm, std::span<uint8_t> out) override;
  // Any valid storage frame (any mode, SID, NO_DATA); a NO_DATA/lost frame conceals.
  Status Decode(ByteView frame, std::span<int16_t> pcm) override;

 private:
  AmrWbVocoder(int mode, void* enc, void* dec);
  int mode_;
  void* enc_;
  void* dec_;
  std::string name_;
};

// RFC 4867 4.4 octet-aligned payload of one AMR-WB frame: CMR octet (15 = no request) || the
// storage frame (whose first octet is the ToC with F = 0).
Bytes AmrWbRtpPayload(ByteView storage_frame);
// The storage frame of a single-frame octet-aligned payload. kMalformed/kTruncated (field and
// offset) for a multi-frame payload (F = 1), a reserved FT or a wrong length.
Result<ByteView> AmrWbStorageFrame(ByteView rtp_payload);

}  // namespace kb::media
