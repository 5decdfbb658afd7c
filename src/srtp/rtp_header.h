// RFC 3550 5.1 (RTP fixed header, CSRCs, 5.3.1 header extension) and 6.4.1 (the first 8 octets
// every RTCP packet shares): the parts of RTP/RTCP that SRTP (RFC 3711, RFC 7714) reads.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/bytes.h"

namespace kb::srtp {

// RFC 3550 5.3.1: 16-bit profile-defined value, then 32-bit words of extension data.
struct RtpHeaderExtension {
  uint16_t profile = 0;
  Bytes data;  // a multiple of 4 octets, at most 65535 words

  friend bool operator==(const RtpHeaderExtension&, const RtpHeaderExtension&) = default;
};

// RFC 3550 5.1: the RTP header (V is always 2; CC and X follow from csrcs and extension).
struct RtpHeader {
  bool padding = false;
  bool marker = false;
  uint8_t payload_type = 0;  // 7 bits
  uint16_t sequence_number = 0;
  uint32_t timestamp = 0;
  uint32_t ssrc = 0;
  std::vector<uint32_t> csrcs{};  // at most 15
  std::optional<RtpHeaderExtension> extension{};

  // Octets the header occupies: 12 + 4 CC (+ 4 + extension data).
  size_t EncodedSize() const;

  // Reads one header from r (leaving r at the payload). Errors: kTruncated, or kMalformed for a
  // version other than 2.
  static Result<RtpHeader> Decode(ByteReader& r);
  // Appends the header. kInvalidArgument for more than 15 CSRCs, a payload type above 127 or
  // extension data that is not whole 32-bit words (or longer than 65535 words).
  Status Encode(ByteWriter& w) const;

  friend bool operator==(const RtpHeader&, const RtpHeader&) = default;
};

// The three things SRTP needs from an RTP header, read without copying anything: the header's
// length (CSRCs and extension included), SEQ and SSRC.
struct RtpHeaderSummary {
  size_t size = 0;
  uint16_t sequence_number = 0;
  uint32_t ssrc = 0;
};

// Scans the header at the start of packet. Errors as RtpHeader::Decode (kTruncated, kMalformed
// for a version other than 2), with the same field names and offsets.
Result<RtpHeaderSummary> ScanRtpHeader(ByteView packet);

// RFC 3550 6.4.1: V=2, P, the 5-bit count, packet type, length in words minus one, and the
// sender's SSRC: the 8 octets SRTCP leaves in the clear.
struct RtcpHeader {
  static constexpr size_t kSize = 8;

  bool padding = false;
  uint8_t count = 0;  // 5 bits (RC/SC/subtype)
  uint8_t packet_type = 0;
  uint16_t length = 0;
  uint32_t ssrc = 0;

  // Reads the 8 octets. Errors: kTruncated, or kMalformed for a version other than 2.
  static Result<RtcpHeader> Decode(ByteReader& r);
  // Appends the 8 octets; kInvalidArgument for a count above 31.
  Status Encode(ByteWriter& w) const;

  friend bool operator==(const RtcpHeader&, const RtcpHeader&) = default;
};

}  // namespace kb::srtp
