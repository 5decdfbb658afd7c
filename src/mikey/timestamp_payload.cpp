// RFC 3830 6.6: encoding and decoding of the timestamp payload.
#include "mikey/timestamp_payload.h"

#include <fmt/format.h>

namespace kb::mikey {

Result<TimestampPayload> TimestampPayload::Decode(ByteReader& r, uint8_t& next_payload) {
  TimestampPayload t;
  KB_TRY(next_payload, r.U8("T.next payload"));
  size_t at = r.offset();
  KB_TRY(t.ts_type, r.U8("T.TS type"));
  switch (t.ts_type) {
    case static_cast<uint8_t>(TsType::kNtpUtc):
    case static_cast<uint8_t>(TsType::kNtp): {
      KB_TRY(t.ts_value, r.U64("T.TS value"));
      break;
    }
    case static_cast<uint8_t>(TsType::kCounter): {
      KB_TRY(t.ts_value, r.U32("T.TS value"));
      break;
    }
    default:
      return Fail(Error::Unsupported(
          fmt::format("T.TS type at offset {}: unknown type {}", at, t.ts_type)));
  }
  return t;
}

Status TimestampPayload::Encode(ByteWriter& w, uint8_t next_payload) const {
  w.U8(next_payload).U8(ts_type);
  switch (ts_type) {
    case static_cast<uint8_t>(TsType::kNtpUtc):
    case static_cast<uint8_t>(TsType::kNtp):
      w.U64(ts_value);
      return Ok();
    case static_cast<uint8_t>(TsType::kCounter):
      if (ts_value > 0xFFFFFFFFu) return Fail(Error::InvalidArgument("T.TS value: over 32 bits"));
      w.U32(static_cast<uint32_t>(ts_value));
      return Ok();
    default:
      return Fail(Error::InvalidArgument(fmt::format("T.TS type: unknown type {}", ts_type)));
  }
}

}  // namespace kb::mikey
