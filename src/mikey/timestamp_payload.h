// RFC 3830 6.6: the timestamp payload (T); TS 33.180 sends TS type 0 = NTP-UTC (64 bits).
#pragma once

#include <cstdint>

#include "core/bytes.h"
#include "core/ntp_time.h"

namespace kb::mikey {

enum class TsType : uint8_t {
  kNtpUtc = 0,   // 64-bit NTP-UTC
  kNtp = 1,      // 64-bit NTP (local time)
  kCounter = 2,  // 32-bit counter
};

// T: the TS type and its value (64 bits for NTP-UTC/NTP, 32 bits for COUNTER).
struct TimestampPayload {
  uint8_t ts_type = static_cast<uint8_t>(TsType::kNtpUtc);
  uint64_t ts_value = 0;

  static TimestampPayload NtpUtc(NtpTime t) { return {0, t.raw()}; }
  NtpTime time() const { return NtpTime(ts_value); }

  // Reads T after its type was announced by the previous payload. Unknown TS types fail.
  static Result<TimestampPayload> Decode(ByteReader& r, uint8_t& next_payload);
  Status Encode(ByteWriter& w, uint8_t next_payload) const;

  friend bool operator==(const TimestampPayload&, const TimestampPayload&) = default;
};

}  // namespace kb::mikey
