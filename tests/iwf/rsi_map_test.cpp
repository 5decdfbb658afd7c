// TS 23.283 7 IWF identity mapping: RSI <-> (MC service ID, LMR type).
#include "iwf/rsi_map.h"

#include <gtest/gtest.h>

namespace kb::iwf {
namespace {

TEST(RsiMap, BothDirections) {
  auto m = RsiMap::Build({{1001, "sip:alice@example.org", mc::LmrType::kP25},
                          {1002, "sip:bob@example.org", mc::LmrType::kTetra}});
  ASSERT_TRUE(m) << m.error().ToString();
  ASSERT_NE(m->ByRsi(1002), nullptr);
  EXPECT_EQ(m->ByRsi(1002)->mc_service_id, "sip:bob@example.org");
  EXPECT_EQ(m->ByRsi(1002)->lmr_type, mc::LmrType::kTetra);
  ASSERT_NE(m->ByMcServiceId("sip:alice@example.org"), nullptr);
  EXPECT_EQ(m->ByMcServiceId("sip:alice@example.org")->rsi, 1001u);
  EXPECT_EQ(m->ByRsi(1003), nullptr);
  EXPECT_EQ(m->ByMcServiceId("sip:carol@example.org"), nullptr);
  EXPECT_EQ(m->size(), 2u);
}

TEST(RsiMap, RefusesDuplicatesAndBadEntries) {
  auto dup_rsi =
      RsiMap::Build({{1001, "sip:a@x", mc::LmrType::kP25}, {1001, "sip:b@x", mc::LmrType::kP25}});
  ASSERT_FALSE(dup_rsi);
  EXPECT_EQ(dup_rsi.error().kind(), ErrorKind::kConflict);
  EXPECT_NE(dup_rsi.error().message().find("rsi_map[1]"), std::string::npos);
  auto dup_id =
      RsiMap::Build({{1001, "sip:a@x", mc::LmrType::kP25}, {1002, "sip:a@x", mc::LmrType::kP25}});
  ASSERT_FALSE(dup_id);
  EXPECT_EQ(dup_id.error().kind(), ErrorKind::kConflict);
  auto wide = RsiMap::Build({{0x1000000, "sip:a@x", mc::LmrType::kP25}});
  ASSERT_FALSE(wide);
  EXPECT_EQ(wide.error().kind(), ErrorKind::kInvalidArgument);
  EXPECT_FALSE(RsiMap::Build({{1, "", mc::LmrType::kP25}}));
  EXPECT_TRUE(RsiMap::Build({}));
}

}  // namespace
}  // namespace kb::iwf
