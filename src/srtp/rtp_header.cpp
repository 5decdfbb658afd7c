// RFC 3550 5.1, 5.3.1 and 6.4.1: decoding and encoding of the RTP header and of the first 8
// octets of an RTCP packet.
#include "srtp/rtp_header.h"

#include <string>

namespace kb::srtp {

namespace {

constexpr uint8_t kVersion = 2;

}  // namespace

size_t RtpHeader::EncodedSize() const {
  size_t n = 12 + 4 * csrcs.size();
  if (extension) n += 4 + extension->data.size();
  return n;
}

Result<RtpHeader> RtpHeader::Decode(ByteReader& r) {
  RtpHeader h;
  size_t start = r.offset();
  KB_TRY(uint8_t b0, r.U8("RTP.V|P|X|CC"));
  if ((b0 >> 6) != kVersion) {
    return Fail(Error::Malformed("RTP.V at offset " + std::to_string(start) + ": expected 2, got " +
                                 std::to_string(b0 >> 6)));
  }
  h.padding = (b0 & 0x20) != 0;
  bool has_extension = (b0 & 0x10) != 0;
  size_t csrc_count = b0 & 0x0F;
  KB_TRY(uint8_t b1, r.U8("RTP.M|PT"));
  h.marker = (b1 & 0x80) != 0;
  h.payload_type = b1 & 0x7F;
  KB_TRY(h.sequence_number, r.U16("RTP.sequence number"));
  KB_TRY(h.timestamp, r.U32("RTP.timestamp"));
  KB_TRY(h.ssrc, r.U32("RTP.SSRC"));
  h.csrcs.reserve(csrc_count);
  for (size_t i = 0; i < csrc_count; ++i) {
    KB_TRY(uint32_t csrc, r.U32("RTP.CSRC"));
    h.csrcs.push_back(csrc);
  }
  if (has_extension) {
    RtpHeaderExtension ext;
    KB_TRY(ext.profile, r.U16("RTP.extension profile"));
    KB_TRY(uint16_t words, r.U16("RTP.extension length"));
    KB_TRY(ext.data, r.TakeCopy(size_t{words} * 4, "RTP.extension data"));
    h.extension = std::move(ext);
  }
  return h;
}

Result<RtpHeaderSummary> ScanRtpHeader(ByteView packet) {
  ByteReader r(packet);
  KB_TRY(uint8_t b0, r.U8("RTP.V|P|X|CC"));
  if ((b0 >> 6) != kVersion) {
    return Fail(Error::Malformed("RTP.V at offset 0: expected 2, got " + std::to_string(b0 >> 6)));
  }
  RtpHeaderSummary s;
  KB_TRY(ByteView pt, r.Take(1, "RTP.M|PT"));
  (void)pt;
  KB_TRY(s.sequence_number, r.U16("RTP.sequence number"));
  KB_TRY(ByteView ts, r.Take(4, "RTP.timestamp"));
  (void)ts;
  KB_TRY(s.ssrc, r.U32("RTP.SSRC"));
  if (size_t csrc_count = b0 & 0x0F; csrc_count != 0) {
    KB_TRY(ByteView csrcs, r.Take(4 * csrc_count, "RTP.CSRC"));
    (void)csrcs;
  }
  if ((b0 & 0x10) != 0) {
    KB_TRY(ByteView profile, r.Take(2, "RTP.extension profile"));
    (void)profile;
    KB_TRY(uint16_t words, r.U16("RTP.extension length"));
    KB_TRY(ByteView data, r.Take(size_t{words} * 4, "RTP.extension data"));
    (void)data;
  }
  s.size = r.offset();
  return s;
}

Status RtpHeader::Encode(ByteWriter& w) const {
  if (csrcs.size() > 15) return Fail(Error::InvalidArgument("RTP.CC: more than 15 CSRCs"));
  if (payload_type > 0x7F) return Fail(Error::InvalidArgument("RTP.PT: above 127"));
  if (extension && (extension->data.size() % 4 != 0 || extension->data.size() / 4 > 0xFFFF)) {
    return Fail(Error::InvalidArgument("RTP.extension data: not whole 32-bit words, or too long"));
  }
  uint8_t b0 = static_cast<uint8_t>((kVersion << 6) | (padding ? 0x20 : 0) |
                                    (extension ? 0x10 : 0) | csrcs.size());
  w.U8(b0).U8(static_cast<uint8_t>((marker ? 0x80 : 0) | payload_type));
  w.U16(sequence_number).U32(timestamp).U32(ssrc);
  for (uint32_t c : csrcs) w.U32(c);
  if (extension) {
    w.U16(extension->profile).U16(static_cast<uint16_t>(extension->data.size() / 4));
    w.Append(extension->data);
  }
  return Ok();
}

Result<RtcpHeader> RtcpHeader::Decode(ByteReader& r) {
  RtcpHeader h;
  size_t start = r.offset();
  KB_TRY(uint8_t b0, r.U8("RTCP.V|P|count"));
  if ((b0 >> 6) != kVersion) {
    return Fail(Error::Malformed("RTCP.V at offset " + std::to_string(start) +
                                 ": expected 2, got " + std::to_string(b0 >> 6)));
  }
  h.padding = (b0 & 0x20) != 0;
  h.count = b0 & 0x1F;
  KB_TRY(h.packet_type, r.U8("RTCP.PT"));
  KB_TRY(h.length, r.U16("RTCP.length"));
  KB_TRY(h.ssrc, r.U32("RTCP.SSRC"));
  return h;
}

Status RtcpHeader::Encode(ByteWriter& w) const {
  if (count > 0x1F) return Fail(Error::InvalidArgument("RTCP.count: above 31"));
  w.U8(static_cast<uint8_t>((kVersion << 6) | (padding ? 0x20 : 0) | count));
  w.U8(packet_type).U16(length).U32(ssrc);
  return Ok();
}

}  // namespace kb::srtp
