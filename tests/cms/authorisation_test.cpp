// The CMS authorisation rules: own profile, IWF-only root key element, administrators.
#include "cms/authorisation.h"

#include <gtest/gtest.h>

namespace kb::cms {
namespace {

const AuthorisationPolicy kPolicy{{"sip:iwf@lmr.example.org"}, {"sip:admin@example.org"}};
constexpr const char* kAlice = "sip:alice@example.org";
constexpr const char* kBob = "sip:bob@example.org";
constexpr const char* kIwf = "sip:iwf@lmr.example.org";
constexpr const char* kAdmin = "sip:admin@example.org";

XcapTarget Target(const std::string& path) { return TargetOf(*ParseXcapUri(path)); }

const std::string kDoc =
    "org.3gpp.mcptt.user-profile/users/sip:alice@example.org/user-profile-1.xml";
const std::string kRootKey =
    kDoc + "/~~/mcptt-user-profile/lrk:lmr-root-key?xmlns(lrk=urn:keybridge:ns:lmr-root-key:1.0)";
const std::string kName = kDoc + "/~~/mcptt-user-profile/ProfileName";

bool Allowed(const char* who, XcapMethod m, const XcapTarget& t) {
  return AuthoriseXcap(who, m, t, kPolicy).has_value();
}

TEST(Authorisation, TargetsAreClassified) {
  EXPECT_TRUE(Target(kDoc).whole_document);
  EXPECT_TRUE(Target(kRootKey).root_key_element);
  EXPECT_TRUE(Target(kDoc + "/~~/mcptt-user-profile/lrk:lmr-root-key/lrk:i-message"
                            "?xmlns(lrk=urn:keybridge:ns:lmr-root-key:1.0)")
                  .root_key_element);
  EXPECT_TRUE(Target(kDoc + "/~~/mcptt-user-profile/*").root_key_element);  // conservative
  EXPECT_FALSE(Target(kName).root_key_element);
  EXPECT_FALSE(Target(kDoc + "/~~/mcptt-user-profile/lmr-root-key").root_key_element);
  EXPECT_EQ(Target(kDoc).xui, kAlice);
}

TEST(Authorisation, Reads) {
  EXPECT_TRUE(Allowed(kAlice, XcapMethod::kGet, Target(kDoc)));
  EXPECT_TRUE(Allowed(kAlice, XcapMethod::kGet, Target(kRootKey)));
  EXPECT_FALSE(Allowed(kBob, XcapMethod::kGet, Target(kDoc)));
  EXPECT_FALSE(Allowed(kBob, XcapMethod::kGet, Target(kRootKey)));
  EXPECT_TRUE(Allowed(kAdmin, XcapMethod::kGet, Target(kDoc)));
  EXPECT_TRUE(Allowed(kIwf, XcapMethod::kGet, Target(kRootKey)));
  EXPECT_FALSE(Allowed(kIwf, XcapMethod::kGet, Target(kDoc)));
  EXPECT_FALSE(Allowed("", XcapMethod::kGet, Target(kDoc)));
}

TEST(Authorisation, RootKeyElementOnlyByTheIwf) {
  for (XcapMethod m : {XcapMethod::kPut, XcapMethod::kDelete}) {
    EXPECT_TRUE(Allowed(kIwf, m, Target(kRootKey)));
    EXPECT_FALSE(Allowed(kAdmin, m, Target(kRootKey)));
    EXPECT_FALSE(Allowed(kAlice, m, Target(kRootKey)));
  }
  auto r = AuthoriseXcap(kAlice, XcapMethod::kPut, Target(kRootKey), kPolicy);
  EXPECT_EQ(r.error().kind(), ErrorKind::kUnauthorised);
  EXPECT_NE(r.error().message().find("only an IWF"), std::string::npos);
}

TEST(Authorisation, AdministratorsManageTheRest) {
  for (XcapMethod m : {XcapMethod::kPut, XcapMethod::kDelete}) {
    EXPECT_TRUE(Allowed(kAdmin, m, Target(kName)));
    EXPECT_TRUE(Allowed(kAdmin, m, Target(kDoc)));
    EXPECT_FALSE(Allowed(kAlice, m, Target(kName)));
    EXPECT_FALSE(Allowed(kIwf, m, Target(kName)));
    EXPECT_FALSE(Allowed(kIwf, m, Target(kDoc)));
  }
  XcapTarget t = Target(kDoc);
  t.root_keys_changed = true;
  EXPECT_FALSE(Allowed(kAdmin, XcapMethod::kPut, t));
  EXPECT_TRUE(Allowed(kAdmin, XcapMethod::kDelete, t));  // removing the profile as a whole
}

}  // namespace
}  // namespace kb::cms
