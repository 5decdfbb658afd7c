// NTP-UTC timestamps and TS 33.180 key periods.
#include "core/ntp_time.h"

#include <fmt/format.h>

#include <ctime>

namespace kb {

NtpTime NtpTime::FromUnix(std::chrono::system_clock::time_point t) {
  auto since = t.time_since_epoch();
  auto secs = std::chrono::floor<std::chrono::seconds>(since);
  auto frac = std::chrono::duration_cast<std::chrono::nanoseconds>(since - secs).count();
  uint64_t ntp_seconds = static_cast<uint64_t>(secs.count()) + kNtpUnixOffsetSeconds;
  uint32_t fraction = static_cast<uint32_t>((static_cast<uint64_t>(frac) << 32) / 1000000000ULL);
  return FromSeconds(ntp_seconds, fraction);
}

NtpTime NtpTime::FromUnixSeconds(int64_t unix_seconds) {
  return FromSeconds(static_cast<uint64_t>(unix_seconds + int64_t{2208988800}));
}

NtpTime NtpTime::Now() { return FromUnix(std::chrono::system_clock::now()); }

std::chrono::system_clock::time_point NtpTime::ToUnix() const {
  auto ns = (static_cast<uint64_t>(fraction()) * 1000000000ULL) >> 32;
  return std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds()) +
                                               std::chrono::nanoseconds(ns));
}

std::string NtpTime::ToIso8601() const {
  std::time_t t = static_cast<std::time_t>(unix_seconds());
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

Result<NtpTime> NtpTime::ParseIso8601(std::string_view text, bool saturate) {
  auto bad = [&](std::string_view why) {
    return Fail(Error::Malformed(fmt::format("time '{}': {}", text, why)));
  };
  size_t pos = 0;
  auto number = [&](size_t digits, int& out) -> bool {
    if (pos + digits > text.size()) return false;
    int v = 0;
    for (size_t i = 0; i < digits; ++i) {
      char c = text[pos + i];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    out = v;
    pos += digits;
    return true;
  };
  auto expect = [&](char c) -> bool {
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  };
  int year, mon, day, hour = 0, min = 0, sec = 0;
  if (!number(4, year) || !expect('-') || !number(2, mon) || !expect('-') || !number(2, day)) {
    return bad("expected YYYY-MM-DD");
  }
  if (pos < text.size()) {
    if (!expect('T') && !expect(' ')) return bad("expected 'T' after the date");
    if (!number(2, hour) || !expect(':') || !number(2, min) || !expect(':') || !number(2, sec)) {
      return bad("expected hh:mm:ss");
    }
  }
  uint64_t nanos = 0;
  if (expect('.')) {
    uint64_t scale = 100000000;
    size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      nanos += static_cast<uint64_t>(text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return bad("expected digits after '.'");
  }
  int64_t zone = 0;
  if (expect('Z')) {
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int zh, zm;
    if (!number(2, zh) || !expect(':') || !number(2, zm)) return bad("expected +hh:mm");
    zone = sign * (zh * 3600 + zm * 60);
  }
  if (pos != text.size()) return bad("unexpected characters at the end");
  if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) {
    return bad("field out of range");
  }
  if (year < 1900) return bad("year before 1900");
  std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(mon),
                                  std::chrono::day(day)};
  if (!ymd.ok()) return bad("no such date");
  int64_t days = std::chrono::sys_days(ymd).time_since_epoch().count();
  int64_t unix = days * 86400 + hour * 3600 + min * 60 + sec - zone;
  if (unix + int64_t{2208988800} < 0) return bad("before 1900");
  uint32_t fraction = static_cast<uint32_t>((nanos << 32) / 1000000000ULL);
  uint64_t ntp_seconds = static_cast<uint64_t>(unix + int64_t{2208988800});
  if (ntp_seconds > 0xffffffffULL) {
    if (saturate) return EraEnd();
    return Fail(Error::Unsupported(
        fmt::format("time '{}': after the end of NTP era 0 (2036-02-07T06:28:15Z)", text)));
  }
  return FromSeconds(ntp_seconds, fraction);
}

uint64_t KeyPeriod::NumberAt(NtpTime t) const {
  if (length_seconds == 0 || t.seconds() < offset_seconds) return 0;
  return (t.seconds() - offset_seconds) / length_seconds;
}

NtpTime KeyPeriod::Start(uint64_t number) const {
  return NtpTime::FromSeconds(offset_seconds + number * length_seconds);
}

NtpTime KeyPeriod::End(uint64_t number) const { return Start(number + 1); }

}  // namespace kb
