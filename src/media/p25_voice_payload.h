// keybridge RTP payload format for P25 Phase 1 voice (docs/media.md "P25 LDU payload"): one
// logical link data unit (TIA-102.BAAA LDU1 or LDU2: 9 IMBE codewords of 88 information bits,
// TIA-102.AAAD encrypted or clear) with the encryption parameters of its superframe.
#pragma once

#include <array>
#include <cstdint>

#include "core/bytes.h"
#include "p25/message_indicator.h"
#include "p25/voice_crypto.h"

namespace kb::media {

inline constexpr uint8_t kP25PayloadVersion = 1;
// 180 ms of voice per LDU at the 8 kHz RTP clock.
inline constexpr uint32_t kP25LduTimestampStep = 1440;
inline constexpr size_t kP25LduPayloadSize =
    4 + p25::MessageIndicator::kSize + p25::kImbeFramesPerLdu * p25::kImbeFrameSize;

// Octets (big-endian):
//   0      version (4 bits, = 1) | reserved (3 bits, 0) | LDU (1 bit: 0 = LDU1, 1 = LDU2)
//   1      ALGID (TIA-102.BAAC; 0x80 = clear)
//   2..3   KID
//   4..12  MI of the superframe the frames are encrypted under (72 bits; zero when clear)
//   13..111 IMBE codewords 1..9 of the LDU, 11 octets each (88 information bits, MSB first)
struct P25LduPayload {
  p25::Ldu ldu = p25::Ldu::kLdu1;
  uint8_t algid = 0x80;
  uint16_t kid = 0;
  p25::MessageIndicator mi;
  std::array<p25::ImbeFrame, p25::kImbeFramesPerLdu> frames{};

  Bytes Encode() const;
  // kTruncated/kMalformed (field and offset), kUnsupported for another version.
  static Result<P25LduPayload> Decode(ByteView payload);

  friend bool operator==(const P25LduPayload&, const P25LduPayload&) = default;
};

}  // namespace kb::media
