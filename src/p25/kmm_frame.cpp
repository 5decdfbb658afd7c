// TIA-102.AACA 10.1 KMM frame encoder and decoder.
#include "p25/kmm_frame.h"

#include <fmt/format.h>

namespace kb::p25 {
namespace {

constexpr uint8_t kMnPresent = 0b10;
constexpr uint8_t kMacTypeNone = 0b00;
constexpr uint8_t kMacTypeEnhanced = 0b10;
constexpr uint8_t kMacTypeDes = 0b11;

struct FormatBits {
  ResponseKind response_kind;
  bool mn_present;
  size_t mac_size;
  bool reserved_bit;
  bool done_bit;
};

Result<FormatBits> ParseFormat(ByteReader& r) {
  ByteReader at = r;
  KB_TRY(uint8_t f, r.U8("Message Format"));
  FormatBits bits{};
  uint8_t rk = f >> 6;
  if (rk > 2) return Fail(at.MalformedAt("Message Format", "response kind 3 is reserved"));
  bits.response_kind = static_cast<ResponseKind>(rk);
  uint8_t mn = (f >> 4) & 0x03;
  if (mn != 0 && mn != kMnPresent) {
    return Fail(at.MalformedAt("Message Format", fmt::format("message number bits {:02b}", mn)));
  }
  bits.mn_present = mn == kMnPresent;
  uint8_t mac = (f >> 2) & 0x03;
  if (mac == kMacTypeNone) {
    bits.mac_size = 0;
  } else if (mac == kMacTypeEnhanced) {
    bits.mac_size = kEnhancedMacSize;
  } else if (mac == kMacTypeDes) {
    bits.mac_size = kDesMacSize;
  } else {
    return Fail(at.MalformedAt("Message Format", "MAC type 01 is reserved"));
  }
  bits.reserved_bit = (f & 0x02) != 0;
  bits.done_bit = (f & 0x01) != 0;
  return bits;
}

Result<uint8_t> FormatOctet(const KmmFrame& frame) {
  uint8_t mac_type = kMacTypeNone;
  if (frame.mac) {
    if (frame.mac->mac.size() == kEnhancedMacSize) {
      mac_type = kMacTypeEnhanced;
    } else if (frame.mac->mac.size() == kDesMacSize) {
      mac_type = kMacTypeDes;
    } else {
      return Fail(Error::InvalidArgument(
          fmt::format("KMM MAC of {} octets (4 or 8 expected)", frame.mac->mac.size())));
    }
  }
  const KmmHeader& h = frame.header;
  if (static_cast<uint8_t>(h.response_kind) > 2) {
    return Fail(Error::InvalidArgument("KMM response kind out of range"));
  }
  return static_cast<uint8_t>((static_cast<uint8_t>(h.response_kind) << 6) |
                              ((h.message_number ? kMnPresent : 0) << 4) | (mac_type << 2) |
                              (h.reserved_bit ? 0x02 : 0) | (h.done_bit ? 0x01 : 0));
}

}  // namespace

Result<KmmFrame> DecodeKmmFrame(ByteView kmm) {
  ByteReader r(kmm);
  KmmFrame frame;
  KB_TRY(uint8_t id, r.U8("Message ID"));
  frame.header.message_id = static_cast<MessageId>(id);
  ByteReader length_at = r;
  KB_TRY(uint16_t length, r.U16("Message Length"));
  if (length != r.remaining()) {
    return Fail(length_at.MalformedAt(
        "Message Length", fmt::format("says {} octets follow, {} do", length, r.remaining())));
  }
  KB_TRY(FormatBits bits, ParseFormat(r));
  frame.header.response_kind = bits.response_kind;
  frame.header.reserved_bit = bits.reserved_bit;
  frame.header.done_bit = bits.done_bit;
  KB_TRY(frame.header.destination_rsi, r.U24("Destination RSI"));
  KB_TRY(frame.header.source_rsi, r.U24("Source RSI"));
  if (bits.mn_present) {
    KB_TRY(frame.header.message_number, r.U16("Message Number"));
  }
  size_t trailer = bits.mac_size == 0 ? 0 : bits.mac_size + kMacTrailerFixedSize;
  if (r.remaining() < trailer) {
    return Fail(Error::Truncated(fmt::format("MAC trailer at offset {}: needs {} octets, {} left",
                                             r.offset(), trailer, r.remaining())));
  }
  KB_TRY(ByteReader body, r.Sub(r.remaining() - trailer, "body"));
  frame.body.assign(body.View().begin(), body.View().end());
  if (trailer != 0) {
    MacTrailer t;
    KB_TRY(t.mac, r.TakeCopy(bits.mac_size, "MAC"));
    ByteReader mac_length_at = r;
    KB_TRY(uint8_t mac_length, r.U8("MAC Length"));
    if (mac_length != bits.mac_size) {
      return Fail(mac_length_at.MalformedAt(
          "MAC Length", fmt::format("{} but the MAC type needs {}", mac_length, bits.mac_size)));
    }
    KB_TRY(t.algid, r.U8("MAC Algorithm ID"));
    KB_TRY(t.kid, r.U16("MAC Key ID"));
    KB_TRY(t.format, r.U8("MAC Format"));
    frame.mac = std::move(t);
  }
  KB_CHECK(r.ExpectEnd("KMM"));
  return frame;
}

Result<Bytes> EncodeKmmFrame(const KmmFrame& frame) {
  const KmmHeader& h = frame.header;
  if (h.destination_rsi > 0xFFFFFF || h.source_rsi > 0xFFFFFF) {
    return Fail(Error::InvalidArgument("KMM RSI wider than 24 bits"));
  }
  KB_TRY(uint8_t format, FormatOctet(frame));
  ByteWriter w(kKmmHeaderSize + 2 + frame.body.size() + kEnhancedMacSize + kMacTrailerFixedSize);
  w.U8(static_cast<uint8_t>(h.message_id));
  size_t length = w.BeginU16Length();
  w.U8(format).U24(h.destination_rsi).U24(h.source_rsi);
  if (h.message_number) w.U16(*h.message_number);
  w.Append(frame.body);
  if (frame.mac) {
    const MacTrailer& t = *frame.mac;
    w.Append(t.mac).U8(static_cast<uint8_t>(t.mac.size())).U8(t.algid).U16(t.kid).U8(t.format);
  }
  if (auto st = w.EndU16Length(length); !st) return Fail(st.error().Within("KMM Message Length"));
  return std::move(w).Take();
}

Result<MacLocation> LocateMac(ByteView kmm) {
  ByteReader r(kmm);
  KB_CHECK(r.U8("Message ID"));
  ByteReader length_at = r;
  KB_TRY(uint16_t length, r.U16("Message Length"));
  if (length != r.remaining()) {
    return Fail(length_at.MalformedAt(
        "Message Length", fmt::format("says {} octets follow, {} do", length, r.remaining())));
  }
  KB_TRY(FormatBits bits, ParseFormat(r));
  MacLocation loc;
  loc.header_size = kKmmHeaderSize + (bits.mn_present ? 2 : 0);
  loc.mac_size = bits.mac_size;
  size_t need = loc.header_size + (bits.mac_size == 0 ? 0 : bits.mac_size + kMacTrailerFixedSize);
  if (kmm.size() < need) {
    return Fail(Error::Truncated(
        fmt::format("KMM of {} octets: header and MAC trailer need {}", kmm.size(), need)));
  }
  loc.mac_offset =
      bits.mac_size == 0 ? kmm.size() : kmm.size() - bits.mac_size - kMacTrailerFixedSize;
  return loc;
}

}  // namespace kb::p25
