// RFC 3711 3.3.1 index estimation and 3.3.2 replay list.
#include "srtp/replay_window.h"

#include <gtest/gtest.h>

namespace kb::srtp {
namespace {

uint64_t Index(uint32_t roc, uint16_t seq) { return (uint64_t{roc} << 16) | seq; }

TEST(IndexEstimation, FollowsRfc3711AppendixA) {
  // Same ROC.
  EXPECT_EQ(*EstimateSrtpIndex(Index(5, 1000), 1001), Index(5, 1001));
  EXPECT_EQ(*EstimateSrtpIndex(Index(5, 1000), 900), Index(5, 900));
  // Wrap forward: s_l high, SEQ small.
  EXPECT_EQ(*EstimateSrtpIndex(Index(5, 65535), 0), Index(6, 0));
  EXPECT_EQ(*EstimateSrtpIndex(Index(5, 65000), 10), Index(6, 10));
  // Late packet from before the wrap: s_l small, SEQ high.
  EXPECT_EQ(*EstimateSrtpIndex(Index(6, 3), 65534), Index(5, 65534));
  // The boundaries of the half window.
  EXPECT_EQ(*EstimateSrtpIndex(Index(2, 32768), 0), Index(2, 0));
  EXPECT_EQ(*EstimateSrtpIndex(Index(2, 32769), 0), Index(3, 0));
  EXPECT_EQ(*EstimateSrtpIndex(Index(2, 0), 32768), Index(2, 32768));
  EXPECT_EQ(*EstimateSrtpIndex(Index(2, 0), 32769), Index(1, 32769));
}

TEST(IndexEstimation, EdgesOfTheCounter) {
  auto before = EstimateSrtpIndex(Index(0, 5), 65000);
  ASSERT_FALSE(before);
  EXPECT_EQ(before.error().kind(), ErrorKind::kReplay);
  auto after = EstimateSrtpIndex(Index(0xFFFFFFFF, 65535), 0);
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error().kind(), ErrorKind::kExpired);
}

TEST(ReplayWindow, AcceptsFreshRejectsSeenAndOld) {
  ReplayWindow w(64);
  EXPECT_TRUE(w.empty());
  EXPECT_TRUE(w.Check(100));
  w.Accept(100);
  EXPECT_EQ(w.highest(), 100u);
  EXPECT_FALSE(w.Check(100));
  EXPECT_EQ(w.Check(100).error().kind(), ErrorKind::kReplay);
  EXPECT_TRUE(w.Check(99));  // reordered, inside the window
  w.Accept(99);
  EXPECT_FALSE(w.Check(99));
  EXPECT_TRUE(w.Check(37));   // 100 - 37 = 63 < 64
  EXPECT_FALSE(w.Check(36));  // 64 behind: outside
  w.Accept(200);
  EXPECT_FALSE(w.Check(100));  // now too old
  EXPECT_TRUE(w.Check(150));
  EXPECT_TRUE(w.Check(199));
  w.Accept(150);
  EXPECT_FALSE(w.Check(150));
}

TEST(ReplayWindow, ClearsStaleBitsWhenSliding) {
  ReplayWindow w(64);
  for (uint64_t i = 0; i < 64; ++i) w.Accept(i);
  w.Accept(70);  // slides by 7: 64..69 must read as unseen
  for (uint64_t i = 64; i < 70; ++i) EXPECT_TRUE(w.Check(i)) << i;
  for (uint64_t i = 7; i < 64; ++i) EXPECT_FALSE(w.Check(i)) << i;
  w.Accept(70 + 1000);
  EXPECT_TRUE(w.Check(1069));
}

TEST(ReplayWindow, LargerWindow) {
  ReplayWindow w(1000);
  w.Accept(5000);
  EXPECT_TRUE(w.Check(4001));
  EXPECT_FALSE(w.Check(4000));
}

}  // namespace
}  // namespace kb::srtp
