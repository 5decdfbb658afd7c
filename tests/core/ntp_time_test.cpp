// Tests of NTP timestamps, ISO 8601 parsing and TS 33.180 key periods.
#include "core/ntp_time.h"

#include <gtest/gtest.h>

namespace kb {
namespace {

TEST(NtpTime, UnixEpochIsNtpOffset) {
  EXPECT_EQ(NtpTime::FromUnixSeconds(0).seconds(), kNtpUnixOffsetSeconds);
  EXPECT_EQ(NtpTime::FromUnixSeconds(0).ToIso8601(), "1970-01-01T00:00:00Z");
}

TEST(NtpTime, ParsesIso8601) {
  auto t = NtpTime::ParseIso8601("2026-11-23T03:35:32Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->unix_seconds(), 1795404932);
  EXPECT_EQ(t->ToIso8601(), "2026-11-23T03:35:32Z");
  auto z = NtpTime::ParseIso8601("2026-11-23T05:35:32+02:00");
  ASSERT_TRUE(z);
  EXPECT_EQ(z->seconds(), t->seconds());
  auto f = NtpTime::ParseIso8601("2026-11-23T03:35:32.5Z");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->fraction(), 0x80000000u);
  EXPECT_TRUE(NtpTime::ParseIso8601("2026-11-23"));
}

TEST(NtpTime, RejectsBadTimes) {
  EXPECT_FALSE(NtpTime::ParseIso8601("2026-13-01T00:00:00Z"));
  EXPECT_FALSE(NtpTime::ParseIso8601("2026-02-30T00:00:00Z"));
  EXPECT_FALSE(NtpTime::ParseIso8601("yesterday"));
  EXPECT_FALSE(NtpTime::ParseIso8601("2026-11-23T03:35:32Zjunk"));
}

TEST(NtpTime, EndOfEraZeroFailsOrSaturates) {
  EXPECT_TRUE(NtpTime::ParseIso8601("2036-02-07T06:28:15Z"));
  auto late = NtpTime::ParseIso8601("2100-01-01T00:00:00Z");
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().kind(), ErrorKind::kUnsupported);
  auto clamped = NtpTime::ParseIso8601("2100-01-01T00:00:00Z", /*saturate=*/true);
  ASSERT_TRUE(clamped);
  EXPECT_EQ(*clamped, NtpTime::EraEnd());
}

TEST(KeyPeriod, NumbersFromNtpEpoch) {
  KeyPeriod monthly{2592000, 0};
  // 1514 is the period number of the TS 33.180 examples (early 2024 with 30-day periods).
  NtpTime t = NtpTime::FromSeconds(1514ULL * 2592000 + 5);
  EXPECT_EQ(monthly.NumberAt(t), 1514u);
  EXPECT_EQ(monthly.Start(1514).seconds(), 1514ULL * 2592000);
  EXPECT_EQ(monthly.End(1514).seconds(), 1515ULL * 2592000);
  KeyPeriod offset{10, 3};
  EXPECT_EQ(offset.NumberAt(NtpTime::FromSeconds(2)), 0u);
  EXPECT_EQ(offset.NumberAt(NtpTime::FromSeconds(13)), 1u);
}

}  // namespace
}  // namespace kb
