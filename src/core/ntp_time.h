// NTP-UTC timestamps (RFC 5905 64-bit format, as MIKEY's T payload carries them, RFC 3830 6.6)
// and the TS 33.180 user key periods (Annex F.2.1, KMS certificate UserKeyPeriod/Offset).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace kb {

// Seconds between 1900-01-01 (NTP epoch) and 1970-01-01 (Unix epoch).
inline constexpr uint64_t kNtpUnixOffsetSeconds = 2208988800ULL;

// A 64-bit NTP timestamp: 32 bits of seconds since 1900 and 32 bits of fraction.
class NtpTime {
 public:
  constexpr NtpTime() = default;
  constexpr explicit NtpTime(uint64_t raw) : raw_(raw) {}
  static constexpr NtpTime FromSeconds(uint64_t ntp_seconds, uint32_t fraction = 0) {
    return NtpTime((ntp_seconds << 32) | fraction);
  }
  static NtpTime FromUnix(std::chrono::system_clock::time_point t);
  static NtpTime FromUnixSeconds(int64_t unix_seconds);
  // The current wall-clock time. Only adapters and the app call this; engines take a time.
  static NtpTime Now();
  // "2026-11-23T03:35:32Z", optional fractional seconds and a +hh:mm/-hh:mm offset. A time after
  // the end of NTP era 0 (2036-02-07T06:28:15Z) fails with kUnsupported, or with saturate is
  // clamped to that last second (for documents whose "forever" lies beyond it).
  static Result<NtpTime> ParseIso8601(std::string_view text, bool saturate = false);
  // The last second of NTP era 0.
  static constexpr NtpTime EraEnd() { return FromSeconds(0xffffffffULL); }

  constexpr uint64_t raw() const { return raw_; }
  constexpr uint64_t seconds() const { return raw_ >> 32; }
  constexpr uint32_t fraction() const { return static_cast<uint32_t>(raw_); }
  int64_t unix_seconds() const { return static_cast<int64_t>(seconds()) - int64_t{2208988800}; }
  std::chrono::system_clock::time_point ToUnix() const;
  // "2026-11-23T03:35:32Z" (fractions dropped).
  std::string ToIso8601() const;

  friend constexpr auto operator<=>(NtpTime, NtpTime) = default;

 private:
  uint64_t raw_ = 0;
};

// The user key period schedule of a KMS community (TS 33.180 F.2.1): period n covers NTP
// seconds [offset + n*length, offset + (n+1)*length).
struct KeyPeriod {
  uint64_t length_seconds = 2592000;  // UserKeyPeriod: 30 days by default
  uint64_t offset_seconds = 0;        // UserKeyOffset

  // The period number in force at time t. Times before the offset fall in period 0.
  uint64_t NumberAt(NtpTime t) const;
  NtpTime Start(uint64_t number) const;
  NtpTime End(uint64_t number) const;
};

}  // namespace kb
