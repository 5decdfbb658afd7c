// TS 23.283 §5.1 d: organisations have sole control of their keys. Every engine call names the
// acting organisation; no call may address, read or wrap another organisation's units or keys.
#include <gtest/gtest.h>

#include "kmf_fixture.h"

namespace kb::kmf::testing {
namespace {

class KmfIsolationTest : public KmfFixture {
 protected:
  void ExpectNotFound(const auto& r) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), ErrorKind::kNotFound) << r.error().ToString();
  }
};

TEST_F(KmfIsolationTest, OperationsCannotAddressAnotherOrganisationsUnits) {
  ExpectNotFound(engine_.RekeyUnit("police", 2001, kT0));
  ExpectNotFound(engine_.Zeroize("police", 2001, kT0));
  ExpectNotFound(engine_.Inventory("police", 2001, 0x02, kT0));
  ExpectNotFound(engine_.ChangeRsi("police", 2001, 2002, kT0));
  ExpectNotFound(engine_.Register("police", 2001, kT0));
  ExpectNotFound(engine_.WarmStart("police", 2001, kT0));
  ExpectNotFound(engine_.GetUnit("police", 2001));
  ExpectNotFound(engine_.RekeyGroup("police", "fire-1", kT0));
  ExpectNotFound(engine_.DeleteGroup("police", "fire-1"));
  // The error does not tell an existing foreign unit from a missing one.
  EXPECT_EQ(engine_.RekeyUnit("police", 2001, kT0).error().message(),
            "unit 2001 not found in organisation police");
  EXPECT_EQ(engine_.RekeyUnit("police", 7777, kT0).error().message(),
            "unit 7777 not found in organisation police");
  EXPECT_TRUE(TickOk(kT0).empty());
}

TEST_F(KmfIsolationTest, GroupsCannotEnrolAnotherOrganisationsUnits) {
  ExpectNotFound(engine_.PutGroup("police", {"", "mixed", true, {1001, 2001}, {1}}));
  EXPECT_FALSE(*store_.FindGroup("police", "mixed"));
  // Naming a foreign organisation in the record does not help: the acting one is used.
  ASSERT_TRUE(engine_.PutGroup("police", {"fire", "tac2", false, {1001}, {1}}));
  EXPECT_TRUE(*store_.FindGroup("police", "tac2"));
  EXPECT_FALSE(*store_.FindGroup("fire", "tac2"));
}

TEST_F(KmfIsolationTest, UnitsCannotBeTakenOver) {
  auto r = engine_.AddUnit("police", MakeUnit(2001, "police"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kConflict);
  // fire's unit keeps its UKEK.
  EXPECT_TRUE(store_.FindUnit(2001).value()->ukek.key == U(2001).ukek.key);
}

TEST_F(KmfIsolationTest, CampaignsAreVisibleToTheirOrganisationOnly) {
  auto id = engine_.RekeyUnit("fire", 2001, kT0);
  ASSERT_TRUE(id);
  ExpectNotFound(engine_.GetCampaignStatus("police", *id));
  EXPECT_TRUE(engine_.ListCampaigns("police")->empty());
  EXPECT_EQ(engine_.ListCampaigns("fire")->size(), 1u);
}

TEST_F(KmfIsolationTest, KeyOperationsTouchTheActingOrganisationsKeysOnly) {
  // police writes the same (keyset, SLN) that fire uses: fire's TEK is untouched.
  ASSERT_TRUE(engine_.ModifyKey("police", {"fire", {1, 1, 0x0F01, 0x84}, Filled(0x77)}, kT0));
  auto fire = store_.ListTeks("fire").value();
  ASSERT_EQ(fire.size(), 1u);
  EXPECT_TRUE(fire[0].key == Filled(0xF1));
  ASSERT_TRUE(engine_.Changeover("police", 1, 2, kT0));
  auto fks = store_.ListKeysets("fire").value();
  ASSERT_EQ(fks.size(), 1u);
  EXPECT_TRUE(fks[0].active);
  auto keys = engine_.ListKeys("police").value();
  EXPECT_EQ(keys.size(), 4u);
  auto police = store_.ListTeks("police").value();
  ASSERT_EQ(police.size(), 4u);
  EXPECT_TRUE(police[0].key == Filled(0x77));  // police's own keyset 1 SLN 1 was replaced
  EXPECT_EQ(engine_.ListKeys("fire").value().size(), 1u);
}

TEST_F(KmfIsolationTest, RekeyEverythingNeverWrapsForeignKeysOrAddressesForeignUnits) {
  // A police group that (wrongly) lists fire's SLN still only yields police TEKs.
  ASSERT_TRUE(engine_.PutGroup("police", {"", "all", false, {1001, 1002, 1003}, {1, 2, 3}}));
  ASSERT_TRUE(engine_.RekeyAll("police", kT0));
  auto out = TickOk(kT0);
  ASSERT_EQ(out.size(), 3u);
  SecretBytes fire_tek = Filled(0xF1);
  for (const auto& o : out) {
    EXPECT_NE(o.destination, 2001u);
    Received r = Open(o, U(o.destination));
    for (const auto& [item, key] : r.keys) {
      EXPECT_NE(item.kid, 0x0F01);
      EXPECT_FALSE(key == fire_tek);
    }
  }
}

TEST_F(KmfIsolationTest, AUnitCannotActForAnotherOrganisationsUnit) {
  // A police radio forging a Hello with fire's RSI cannot MAC it with fire's key.
  Unit forged = U(2001);
  forged.mac_key = U(1001).mac_key.Clone();
  forged.mac_key.kid = U(2001).mac_key.kid;
  auto r =
      engine_.HandleInbound(Answer(forged, 1, p25::Hello{p25::Hello::kRekeyRequestWithUkek}), kT0);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kCryptoFailure);
  EXPECT_TRUE(engine_.ListCampaigns("fire")->empty());
  // fire's own Hello yields fire's key only, under fire's UKEK.
  auto out = Deliver(Answer(U(2001), 1, p25::Hello{p25::Hello::kRekeyRequestWithUkek}), kT0);
  ASSERT_EQ(out.size(), 1u);
  Received rr = Open(out[0], U(2001));
  ASSERT_EQ(rr.keys.size(), 1u);
  EXPECT_TRUE(rr.keys[0].second == Filled(0xF1));
  EXPECT_TRUE(engine_.ListCampaigns("police")->empty());
}

}  // namespace
}  // namespace kb::kmf::testing
