// TIA-102.AACA message number window: (last, last + MNP] modulo 2^16; MNP 65535 disables it.
#include "p25/message_number_window.h"

#include <gtest/gtest.h>

namespace kb::p25 {
namespace {

TEST(MessageNumberWindow, FirstMessageIsAcceptedThenOnlyForward) {
  MessageNumberWindow w(10);
  EXPECT_TRUE(w.Accept(0x1772));
  EXPECT_EQ(w.last(), 0x1772);
  auto replay = w.Accept(0x1772);
  ASSERT_FALSE(replay);
  EXPECT_EQ(replay.error().kind(), ErrorKind::kReplay);
  EXPECT_FALSE(w.Acceptable(0x1771));
  EXPECT_TRUE(w.Acceptable(0x1773));
  EXPECT_TRUE(w.Acceptable(0x1772 + 10));
  EXPECT_FALSE(w.Acceptable(0x1772 + 11));
  EXPECT_TRUE(w.Accept(0x1775));
  EXPECT_FALSE(w.Acceptable(0x1774));
}

TEST(MessageNumberWindow, WrapsModulo65536) {
  MessageNumberWindow w(4, 0xFFFE);
  EXPECT_TRUE(w.Acceptable(0xFFFF));
  EXPECT_TRUE(w.Acceptable(0x0000));
  EXPECT_TRUE(w.Acceptable(0x0002));
  EXPECT_FALSE(w.Acceptable(0x0003));
  EXPECT_FALSE(w.Acceptable(0xFFFE));
  EXPECT_TRUE(w.Accept(0x0001));
  EXPECT_FALSE(w.Acceptable(0xFFFF));
}

TEST(MessageNumberWindow, MnpFfffDisablesTheCheck) {
  MessageNumberWindow w(MessageNumberWindow::kCheckDisabled, 5);
  EXPECT_TRUE(w.Accept(5));
  EXPECT_TRUE(w.Accept(1));
}

TEST(MessageNumberWindow, ZeroPeriodAcceptsNothingAfterTheFirst) {
  MessageNumberWindow w(0, 7);
  EXPECT_FALSE(w.Acceptable(8));
  w.Reset(100);
  EXPECT_EQ(w.last(), 100);
}

}  // namespace
}  // namespace kb::p25
