// TS 24.484 user profile (subset) with the keybridge LMR root key element: parse, serialise,
// and the checks on the element.
#include "cms/user_profile.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "cms/cms_fixtures.h"
#include "core/encoding.h"

namespace kb::cms {
namespace {

using testing::SampleProfile;
using testing::SampleRootKeyElement;

TEST(UserProfile, RoundTripAndShape) {
  UserProfile p = SampleProfile();
  auto xml = SerializeUserProfile(p);
  ASSERT_TRUE(xml) << xml.error().ToString();
  EXPECT_NE(xml->find("<mcptt-user-profile xmlns=\"urn:3gpp:mcptt:user-profile:1.0\""
                      " xmlns:lrk=\"urn:keybridge:ns:lmr-root-key:1.0\""
                      " XUI-URI=\"sip:alice@example.org\" user-profile-index=\"1\">"),
            std::string::npos)
      << *xml;
  EXPECT_NE(xml->find("<lrk:lmr-root-key lmr-type=\"P25\" algid=\"84\" kid=\"1234\""
                      " key-name=\"ALICE-UKEK-1\" rotation-serial=\"7\""
                      " iwf=\"sip:iwf@lmr.example.org\">"),
            std::string::npos);
  EXPECT_NE(xml->find("<LMRKeyManagementURI>"), std::string::npos);
  auto back = ParseUserProfile(*xml);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(*back, p);
  // Without a root key the extension namespace is not declared.
  auto plain = SerializeUserProfile(SampleProfile(false));
  EXPECT_EQ(plain->find("keybridge"), std::string::npos);
  EXPECT_EQ(*ParseUserProfile(*plain), SampleProfile(false));
}

TEST(UserProfile, PrefixesAreResolvedNotMatchedLiterally) {
  std::string xml = R"(<?xml version="1.0"?>
<up:mcptt-user-profile xmlns:up="urn:3gpp:mcptt:user-profile:1.0" XUI-URI="sip:a@x" user-profile-index="3">
  <up:Common><up:MCPTTUserID><up:uri-entry>sip:a@x</up:uri-entry></up:MCPTTUserID>
  <up:KMSURI><up:uri-entry>kms.x</up:uri-entry></up:KMSURI></up:Common>
  <other:lmr-root-key xmlns:other="urn:example:not-ours" lmr-type="P25"/>
  <unknown-element/>
</up:mcptt-user-profile>)";
  auto p = ParseUserProfile(xml);
  ASSERT_TRUE(p) << p.error().ToString();
  EXPECT_EQ(p->mc_id, "sip:a@x");
  EXPECT_EQ(p->profile_index, 3u);
  EXPECT_EQ(p->kms_uri, "kms.x");
  EXPECT_TRUE(p->lmr_root_keys.empty());  // another namespace: not our element
}

TEST(UserProfile, RejectsBadDocuments) {
  auto fails = [](std::string_view xml, std::string_view phrase) {
    auto r = ParseUserProfile(xml);
    ASSERT_FALSE(r) << xml;
    EXPECT_NE(r.error().message().find(phrase), std::string::npos) << r.error().ToString();
  };
  fails("<mcptt-user-profile", "XML error");
  fails(R"(<mcptt-user-profile xmlns="urn:wrong" XUI-URI="a" user-profile-index="1"/>)",
        "root element");
  fails(R"(<mcptt-user-profile xmlns="urn:3gpp:mcptt:user-profile:1.0" user-profile-index="1"/>)",
        "XUI-URI");
  fails(
      R"(<mcptt-user-profile xmlns="urn:3gpp:mcptt:user-profile:1.0" XUI-URI="a" user-profile-index="01"/>)",
      "user-profile-index");
  fails(
      R"(<mcptt-user-profile xmlns="urn:3gpp:mcptt:user-profile:1.0" XUI-URI="a" user-profile-index="x"/>)",
      "user-profile-index");
  fails(
      R"(<mcptt-user-profile xmlns="urn:3gpp:mcptt:user-profile:1.0" XUI-URI="a" user-profile-index="1"><Common><MCPTTUserID><uri-entry>b</uri-entry></MCPTTUserID></Common></mcptt-user-profile>)",
      "differs");
  fails(
      R"(<!DOCTYPE x [<!ENTITY e "boom">]><mcptt-user-profile xmlns="urn:3gpp:mcptt:user-profile:1.0" XUI-URI="&e;" user-profile-index="1"/>)",
      "");
  std::string big(kMaxUserProfileBytes + 1, ' ');
  fails(big, "octets");
}

TEST(UserProfile, RootKeyElementRules) {
  std::string base = *SerializeUserProfile(SampleProfile());
  auto with = [&](std::string_view from, std::string_view to) {
    std::string s = base;
    size_t at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    s.replace(at, from.size(), to);
    return ParseUserProfile(s);
  };
  EXPECT_FALSE(with("lmr-type=\"P25\"", "lmr-type=\"DMR\""));
  EXPECT_FALSE(with("algid=\"84\"", "algid=\"884\""));
  EXPECT_FALSE(with("kid=\"1234\"", "kid=\"12\""));
  EXPECT_FALSE(with("rotation-serial=\"7\"", "rotation-serial=\"-1\""));
  EXPECT_FALSE(with("key-name=\"ALICE-UKEK-1\"", "key-name=\"a&#10;b\""));
  EXPECT_FALSE(with(" iwf=\"sip:iwf@lmr.example.org\"", ""));
  EXPECT_FALSE(with("<lrk:i-message>", "<lrk:i-message>!!"));
  // Two root keys for the same LMR type.
  UserProfile two = SampleProfile();
  two.lmr_root_keys.push_back(two.lmr_root_keys.front());
  auto r = ParseUserProfile(*SerializeUserProfile(two));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("two for LMR type P25"), std::string::npos);
}

TEST(UserProfile, RootKeyElementStandsAloneAsAPutBody) {
  LmrRootKeyElement e = SampleRootKeyElement();
  auto xml = SerializeLmrRootKeyElement(e);
  ASSERT_TRUE(xml);
  EXPECT_NE(xml->find("xmlns:lrk=\"urn:keybridge:ns:lmr-root-key:1.0\""), std::string::npos);
  auto back = ParseLmrRootKeyElement(*xml);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(*back, e);
}

TEST(UserProfile, ClearAttributesMustMatchTheSignedExtension) {
  LmrRootKeyElement e = SampleRootKeyElement();
  EXPECT_TRUE(CheckLmrRootKeyElement(e));
  LmrRootKeyElement lie = e;
  lie.kid = 0x9999;
  EXPECT_EQ(CheckLmrRootKeyElement(lie).error().kind(), ErrorKind::kMalformed);
  lie = e;
  lie.rotation_serial = 8;
  EXPECT_FALSE(CheckLmrRootKeyElement(lie));
  lie = e;
  lie.iwf_uri = "sip:mallory@example.org";
  EXPECT_FALSE(CheckLmrRootKeyElement(lie));
  lie = e;
  lie.i_message.resize(lie.i_message.size() - 1);
  EXPECT_FALSE(CheckLmrRootKeyElement(lie));
}

}  // namespace
}  // namespace kb::cms

namespace kb::cms {
namespace {

// The committed fuzz seed holds a real, signed root key message made by `keybridge mikey
// create --type lmr-root-key` (docs/cms.md); its clear attributes match the signed extension.
TEST(FuzzSeeds, ProfileWithARealRootKeyMessage) {
  std::ifstream in(std::string(KB_SOURCE_DIR) +
                   "/fuzz/corpus/user_profile/profile-with-root-key.xml");
  ASSERT_TRUE(in);
  std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto p = ParseUserProfile(xml);
  ASSERT_TRUE(p) << p.error().ToString();
  ASSERT_EQ(p->lmr_root_keys.size(), 1u);
  EXPECT_TRUE(CheckLmrRootKeyElement(p->lmr_root_keys[0]));
  EXPECT_EQ(p->lmr_kmf_uri, "sip:kmf@lmr.example.org");
}

}  // namespace
}  // namespace kb::cms
