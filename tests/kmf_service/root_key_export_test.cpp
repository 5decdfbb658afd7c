// keybridge extension (docs/kmf.md "Root key export"): the KMF's UKEKs as the key file the IWF's
// root key distribution reads (iwf::ParseRootKeyFile), for the organisation's mapped units only.
#include "kmf_service/root_key_export.h"

#include <gtest/gtest.h>

#include <string>

#include "iwf/root_key_distributor.h"
#include "kmf/kmf_fixture.h"

namespace kb::kmf_service {
namespace {

using kmf::testing::KmfFixture;

class RootKeyExportTest : public KmfFixture {
 protected:
  iwf::RsiMap Map() {
    return iwf::RsiMap::Build({{1001, "sip:alice@example.org", mc::LmrType::kP25},
                               {1002, "sip:bob@example.org", mc::LmrType::kTetra},
                               {1003, "sip:dave@example.org", mc::LmrType::kP25},
                               {2001, "sip:carol@example.org", mc::LmrType::kP25}})
        .value();
  }
};

TEST_F(RootKeyExportTest, TheDistributorReadsTheExportedKeys) {
  ASSERT_TRUE(store_.SetUnitState(1003, kmf::UnitState::kZeroized));
  auto out = ExportRootKeys(engine_, "police", Map(), 7);
  ASSERT_TRUE(out) << out.error().ToString();
  EXPECT_EQ(out->exported, 1u);
  EXPECT_EQ(out->skipped,
            (std::vector<std::string>{"RSI 1002: mapped as a TETRA user", "RSI 1003: zeroized"}));
  std::string text(out->text.Reveal().begin(), out->text.Reveal().end());
  auto records = iwf::ParseRootKeyFile(text);
  ASSERT_TRUE(records) << records.error().ToString();
  ASSERT_EQ(records->size(), 1u);
  const auto& r = (*records)[0];
  EXPECT_EQ(r.user, "sip:alice@example.org");
  EXPECT_EQ(r.info.lmr_type, mikey::LmrType::kP25);
  EXPECT_EQ(r.info.algid, 0x84);
  EXPECT_EQ(r.info.kid, U(1001).ukek.kid);
  EXPECT_EQ(r.info.rotation_serial, 7u);
  EXPECT_EQ(r.info.key_name, "police-1001-UKEK");
  EXPECT_TRUE(r.key == U(1001).ukek.key);  // the UKEK the KMF wraps the unit's TEKs under
  EXPECT_FALSE(r.key == U(1001).mac_key.key);
  // fire's unit is mapped but never exported for police.
  EXPECT_EQ(text.find("carol"), std::string::npos);
}

TEST_F(RootKeyExportTest, OnlyTheActingOrganisationsUnits) {
  auto fire = ExportRootKeys(engine_, "fire", Map(), 1);
  ASSERT_TRUE(fire);
  std::string text(fire->text.Reveal().begin(), fire->text.Reveal().end());
  auto records = iwf::ParseRootKeyFile(text).value();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].user, "sip:carol@example.org");
  EXPECT_TRUE(records[0].key == U(2001).ukek.key);
  auto none = ExportRootKeys(engine_, "police", iwf::RsiMap{}, 1);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->exported, 0u);
  EXPECT_EQ(none->skipped.size(), 3u);
  EXPECT_TRUE(
      iwf::ParseRootKeyFile(std::string(none->text.Reveal().begin(), none->text.Reveal().end()))
          ->empty());
  EXPECT_EQ(ExportRootKeys(engine_, "nobody", Map(), 1).error().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(engine_.ExportUkek("police", 2001).error().kind(), ErrorKind::kNotFound);
}

}  // namespace
}  // namespace kb::kmf_service
