// RFC 4825 XCAP paths, node selectors, element GET/PUT/DELETE and ETags; RFC 5875 xcap-diff.
#include <gtest/gtest.h>

#include "cms/cms_fixtures.h"
#include "cms/user_profile.h"
#include "cms/xcap_diff.h"
#include "cms/xcap_document.h"
#include "cms/xcap_uri.h"

namespace kb::cms {
namespace {

TEST(XcapUri, DocumentSelectorAndPercentEncoding) {
  EXPECT_EQ(UserProfileDocumentSelector("sip:alice@example.org", 1),
            "org.3gpp.mcptt.user-profile/users/sip:alice@example.org/user-profile-1.xml");
  EXPECT_EQ(PercentEncodeSegment("sip:a b/c?d#e%f\xC3\xA9"), "sip:a%20b%2Fc%3Fd%23e%25f%C3%A9");
  EXPECT_EQ(PercentEncodeSegment("tel:+4477;x=y"), "tel:+4477;x=y");
  EXPECT_EQ(*PercentDecode("sip:a%20b%2fc"), "sip:a b/c");
  EXPECT_FALSE(PercentDecode("a%2"));
  EXPECT_FALSE(PercentDecode("a%zz"));
  EXPECT_FALSE(PercentDecode("a%00b"));
  // Encoding then decoding gives the ID back, and the path parses to it.
  std::string odd = "sip:o/dd user@example.org";
  auto u = ParseXcapUri("/" + UserProfileDocumentSelector(odd, 12));
  ASSERT_TRUE(u) << u.error().ToString();
  EXPECT_EQ(u->xui, odd);
  EXPECT_EQ(u->profile_index, 12u);
  EXPECT_FALSE(u->node);
  EXPECT_EQ(u->DocumentSelector(), UserProfileDocumentSelector(odd, 12));
}

TEST(XcapUri, NodeSelectorWithNamespaceBinding) {
  auto u = ParseXcapUri(
      "org.3gpp.mcptt.user-profile/users/sip:alice@example.org/user-profile-1.xml/~~/"
      "mcptt-user-profile/lrk:lmr-root-key%5B@lmr-type=%22P25%22%5D"
      "?xmlns(lrk=urn:keybridge:ns:lmr-root-key:1.0)");
  ASSERT_TRUE(u) << u.error().ToString();
  ASSERT_TRUE(u->node);
  ASSERT_EQ(u->node->steps.size(), 2u);
  EXPECT_EQ(u->node->steps[1].prefix, "lrk");
  EXPECT_EQ(u->node->steps[1].local, "lmr-root-key");
  EXPECT_EQ(*u->node->steps[1].attribute, "lmr-type");
  EXPECT_EQ(u->node->steps[1].attribute_value, "P25");
  EXPECT_EQ(u->node->namespaces.at("lrk"), "urn:keybridge:ns:lmr-root-key:1.0");
  EXPECT_EQ(FormatNodeSelector(*u->node), "mcptt-user-profile/lrk:lmr-root-key[@lmr-type=\"P25\"]");
}

TEST(XcapUri, Rejections) {
  auto kind = [](std::string_view p) { return ParseXcapUri(p).error().kind(); };
  EXPECT_EQ(kind("org.3gpp.other/users/a/user-profile-1.xml"), ErrorKind::kNotFound);
  EXPECT_EQ(kind("org.3gpp.mcptt.user-profile/global/index"), ErrorKind::kMalformed);
  EXPECT_EQ(kind("org.3gpp.mcptt.user-profile/users/a/profile.xml"), ErrorKind::kNotFound);
  EXPECT_EQ(kind("org.3gpp.mcptt.user-profile/users/a/user-profile-01.xml"), ErrorKind::kNotFound);
  EXPECT_EQ(kind("org.3gpp.mcptt.user-profile/users//user-profile-1.xml"), ErrorKind::kMalformed);
  EXPECT_EQ(kind("org.3gpp.mcptt.user-profile/users/a/b/user-profile-1.xml"),
            ErrorKind::kMalformed);
  std::string doc = "org.3gpp.mcptt.user-profile/users/a/user-profile-1.xml";
  EXPECT_EQ(kind(doc + "/~~/mcptt-user-profile/@x"), ErrorKind::kUnsupported);
  EXPECT_EQ(kind(doc + "/~~/a[0]"), ErrorKind::kMalformed);
  EXPECT_EQ(kind(doc + "/~~/a[@b=c]"), ErrorKind::kMalformed);
  EXPECT_EQ(kind(doc + "/~~/a[@b=\"c]"), ErrorKind::kMalformed);
  EXPECT_EQ(kind(doc + "/~~/a//b"), ErrorKind::kMalformed);
  EXPECT_EQ(kind(doc + "/~~/1a"), ErrorKind::kMalformed);
  EXPECT_EQ(kind(doc + "/~~/a?foo"), ErrorKind::kMalformed);
  EXPECT_EQ(kind(doc + "?xmlns(a=b)"), ErrorKind::kMalformed);
}

class XcapDocument : public ::testing::Test {
 protected:
  std::string doc_ = *SerializeUserProfile(testing::SampleProfile());
  static NodeSelector Sel(std::string_view s) {
    NodeSelector n = *ParseNodeSelector(s);
    n.namespaces["lrk"] = std::string(kLmrRootKeyNs);
    return n;
  }
};

TEST_F(XcapDocument, GetElementByNameAttributeAndPosition) {
  auto e = GetElement(doc_, Sel("mcptt-user-profile/lrk:lmr-root-key[@lmr-type=\"P25\"]"),
                      kUserProfileNs);
  ASSERT_TRUE(e) << e.error().ToString();
  auto parsed = ParseLmrRootKeyElement(*e);  // stands alone: namespaces copied onto it
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(*parsed, testing::SampleRootKeyElement());
  auto kms = GetElement(doc_, Sel("mcptt-user-profile/Common/KMSURI[1]/uri-entry"), kUserProfileNs);
  ASSERT_TRUE(kms);
  EXPECT_NE(kms->find("https://kms.example.org"), std::string::npos);
  EXPECT_EQ(GetElement(doc_, Sel("mcptt-user-profile/lrk:lmr-root-key[@lmr-type=\"TETRA\"]"),
                       kUserProfileNs)
                .error()
                .kind(),
            ErrorKind::kNotFound);
  // Unprefixed: the user-profile namespace, so this is not the root key element.
  EXPECT_FALSE(GetElement(doc_, Sel("mcptt-user-profile/lmr-root-key"), kUserProfileNs));
  // An unbound prefix is an error.
  EXPECT_EQ(GetElement(doc_, *ParseNodeSelector("mcptt-user-profile/zz:x"), kUserProfileNs)
                .error()
                .kind(),
            ErrorKind::kMalformed);
}

TEST_F(XcapDocument, PutReplacesOrInsertsAndDeleteRemoves) {
  NodeSelector p25 = Sel("mcptt-user-profile/lrk:lmr-root-key[@lmr-type=\"P25\"]");
  NodeSelector tetra = Sel("mcptt-user-profile/lrk:lmr-root-key[@lmr-type=\"TETRA\"]");
  LmrRootKeyElement newer = testing::SampleRootKeyElement();
  newer.rotation_serial = 8;
  auto replaced = PutElement(doc_, p25, kUserProfileNs, *SerializeLmrRootKeyElement(newer));
  ASSERT_TRUE(replaced) << replaced.error().ToString();
  EXPECT_EQ(ParseUserProfile(*replaced)->lmr_root_keys.at(0).rotation_serial, 8u);
  EXPECT_NE(ComputeEtag(*replaced), ComputeEtag(doc_));

  LmrRootKeyElement tk = testing::SampleRootKeyElement();
  tk.lmr_type = mikey::LmrType::kTetra;
  auto inserted = PutElement(*replaced, tetra, kUserProfileNs, *SerializeLmrRootKeyElement(tk));
  ASSERT_TRUE(inserted) << inserted.error().ToString();
  EXPECT_EQ(ParseUserProfile(*inserted)->lmr_root_keys.size(), 2u);
  // The body does not match the selector (P25 element PUT at the TETRA selector).
  auto wrong = PutElement(*replaced, tetra, kUserProfileNs, *SerializeLmrRootKeyElement(newer));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().kind(), ErrorKind::kConflict);
  // Two elements or none for the body.
  EXPECT_FALSE(PutElement(doc_, tetra, kUserProfileNs, "<a/><b/>"));
  EXPECT_FALSE(PutElement(doc_, tetra, kUserProfileNs, "not xml"));
  // The parent must exist.
  EXPECT_EQ(PutElement(doc_, Sel("mcptt-user-profile/Nope/lrk:lmr-root-key"), kUserProfileNs,
                       *SerializeLmrRootKeyElement(newer))
                .error()
                .kind(),
            ErrorKind::kNotFound);

  auto deleted = DeleteElement(*inserted, p25, kUserProfileNs);
  ASSERT_TRUE(deleted) << deleted.error().ToString();
  auto after = ParseUserProfile(*deleted);
  ASSERT_TRUE(after);
  ASSERT_EQ(after->lmr_root_keys.size(), 1u);
  EXPECT_EQ(after->lmr_root_keys[0].lmr_type, mikey::LmrType::kTetra);
  EXPECT_EQ(DeleteElement(*deleted, p25, kUserProfileNs).error().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(DeleteElement(doc_, Sel("mcptt-user-profile"), kUserProfileNs).error().kind(),
            ErrorKind::kConflict);
}

TEST_F(XcapDocument, PositionalDeleteThatWouldSelectAnotherIsAConflict) {
  UserProfile two = testing::SampleProfile();
  LmrRootKeyElement tk = testing::SampleRootKeyElement();
  tk.lmr_type = mikey::LmrType::kTetra;
  two.lmr_root_keys.push_back(tk);
  std::string d = *SerializeUserProfile(two);
  auto r = DeleteElement(d, Sel("mcptt-user-profile/lrk:lmr-root-key[1]"), kUserProfileNs);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kConflict);
  EXPECT_TRUE(DeleteElement(d, Sel("mcptt-user-profile/lrk:lmr-root-key[2]"), kUserProfileNs));
}

TEST(Etag, StableAndQuoted) {
  EXPECT_EQ(ComputeEtag("abc"), "\"ba7816bf8f01cfea414140de5dae2223\"");
  EXPECT_EQ(ComputeEtag("abc"), ComputeEtag("abc"));
  EXPECT_NE(ComputeEtag("abc"), ComputeEtag("abd"));
}

TEST(XcapDiff, DocumentAndElementChangeRoundTrip) {
  std::string sel = UserProfileDocumentSelector("sip:alice@example.org", 1);
  XcapDiff d = DescribeDocumentChange("https://cms.example.org/xcap-root", sel, "\"aa\"", "\"bb\"",
                                      "mcptt-user-profile/lrk:lmr-root-key[@lmr-type=\"P25\"]");
  auto xml = SerializeXcapDiff(d);
  ASSERT_TRUE(xml);
  EXPECT_NE(xml->find("<xcap-diff xmlns=\"urn:ietf:params:xml:ns:xcap-diff\""
                      " xcap-root=\"https://cms.example.org/xcap-root\">"),
            std::string::npos);
  EXPECT_NE(xml->find("previous-etag=\"&quot;aa&quot;\" new-etag=\"&quot;bb&quot;\""),
            std::string::npos);
  auto back = ParseXcapDiff(*xml);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(*back, d);
  // A new document has no previous ETag; a deleted one no new ETag.
  XcapDiff created = DescribeDocumentChange("https://c/", sel, "", "\"n\"");
  EXPECT_FALSE(ParseXcapDiff(*SerializeXcapDiff(created))->documents[0].previous_etag);
  XcapDiff gone = DescribeDocumentChange("https://c/", sel, "\"p\"", "");
  EXPECT_FALSE(ParseXcapDiff(*SerializeXcapDiff(gone))->documents[0].new_etag);
  // Element content is carried.
  XcapDiff with;
  with.xcap_root = "https://c/";
  with.elements.push_back(
      {sel + "/~~/mcptt-user-profile/ProfileName", true,
       "<ProfileName xmlns=\"urn:3gpp:mcptt:user-profile:1.0\">x</ProfileName>"});
  auto wb = ParseXcapDiff(*SerializeXcapDiff(with));
  ASSERT_TRUE(wb);
  EXPECT_NE(wb->elements[0].content.find(">x</ProfileName>"), std::string::npos);
  EXPECT_FALSE(ParseXcapDiff("<xcap-diff xcap-root=\"x\"/>"));
  EXPECT_FALSE(ParseXcapDiff("<xcap-diff xmlns=\"urn:ietf:params:xml:ns:xcap-diff\"/>"));
}

}  // namespace
}  // namespace kb::cms
