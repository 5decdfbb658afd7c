// RFC 4825 XCAP over HTTPS on 127.0.0.1 (TS 24.484 user profiles): documents and elements,
// ETags and conditional requests, the authorisation rules and their refusals (nothing changes),
// RFC 4825 11 error bodies.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "cms/xcap_document.h"
#include "cms_service/xcap_error.h"
#include "cms_service/xcap_https_client.h"
#include "cms_test_fixture.h"
#include "net/http_client.h"
#include "net/tls_identity.h"

namespace kb::cms_service {
namespace {

namespace fs = std::filesystem;
using namespace testing;

struct XcapFixture : ::testing::Test {
  fs::path dir = fs::temp_directory_path() / ("kb-cms-" + std::to_string(::getpid()));
  CmsEngine cms;
  std::unique_ptr<net::HttpsServer> server;
  net::HttpsClientOptions client;
  std::string base;
  std::vector<DocumentChange> changes;

  void SetUp() override {
    cms.service->SetChangeListener([this](const DocumentChange& c) { changes.push_back(c); });
    auto id = net::LoadOrCreateSelfSigned(dir, {"127.0.0.1"});
    ASSERT_TRUE(id);
    net::HttpRouter router;
    AddCmsRoutes(router, *cms.service, UnixNow);
    net::HttpsServerOptions so;
    so.identity = *id;
    auto s = net::HttpsServer::Start(so, std::move(router));
    ASSERT_TRUE(s);
    server = std::move(*s);
    client.ca_file = id->cert_file;
    base = "https://127.0.0.1:" + std::to_string(server->port());
  }
  void TearDown() override {
    server.reset();
    fs::remove_all(dir);
  }

  net::HttpResponse Send(const std::string& method, const std::string& target,
                         const std::string& token, std::string body = {},
                         std::map<std::string, std::string> h = {}) {
    if (!token.empty()) h["Authorization"] = "Bearer " + token;
    auto r = net::HttpsRequest(client, method, base + target, std::move(body),
                               body.empty() ? "" : "application/xml", h);
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? std::move(*r) : net::HttpResponse(0, "", "");
  }
  // Alice's profile created by the administrator; returns its ETag.
  std::string CreateAlice() {
    auto r = Send("PUT", AliceDoc(), cms.Token(kAdmin), AliceProfileXml());
    EXPECT_EQ(r.status, 201u) << r.body;
    return r.Header("etag");
  }
  std::string Stored() {
    auto d =
        cms.store.Get("org.3gpp.mcptt.user-profile/users/sip:alice@example.org/user-profile-1.xml");
    return d && *d ? (*d)->content : "";
  }
};

TEST_F(XcapFixture, DocumentLifecycleWithEtags) {
  std::string etag = CreateAlice();
  EXPECT_EQ(etag, cms::ComputeEtag(AliceProfileXml()));
  auto get = Send("GET", AliceDoc(), cms.Token(kAlice));
  EXPECT_EQ(get.status, 200u);
  EXPECT_EQ(get.body, AliceProfileXml());
  EXPECT_EQ(get.content_type, kUserProfileMime);
  EXPECT_EQ(get.Header("etag"), etag);
  // If-None-Match with the current tag: 304; with another: 200.
  EXPECT_EQ(Send("GET", AliceDoc(), cms.Token(kAlice), "", {{"If-None-Match", etag}}).status, 304u);
  EXPECT_EQ(Send("GET", AliceDoc(), cms.Token(kAlice), "", {{"If-None-Match", "\"x\""}}).status,
            200u);
  // Replace with If-Match: the old tag works once, then it is stale (412, nothing changes).
  auto put =
      Send("PUT", AliceDoc(), cms.Token(kAdmin), AliceProfileXml("Alice 2"), {{"If-Match", etag}});
  EXPECT_EQ(put.status, 200u);
  std::string etag2 = put.Header("etag");
  EXPECT_NE(etag2, etag);
  auto stale =
      Send("PUT", AliceDoc(), cms.Token(kAdmin), AliceProfileXml("Alice 3"), {{"If-Match", etag}});
  EXPECT_EQ(stale.status, 412u);
  EXPECT_EQ(Stored(), AliceProfileXml("Alice 2"));
  // If-None-Match: * refuses to overwrite an existing document.
  EXPECT_EQ(Send("PUT", AliceDoc(), cms.Token(kAdmin), AliceProfileXml("Alice 4"),
                 {{"If-None-Match", "*"}})
                .status,
            412u);
  EXPECT_EQ(Send("DELETE", AliceDoc(), cms.Token(kAdmin), "", {{"If-Match", etag}}).status, 412u);
  EXPECT_EQ(Send("DELETE", AliceDoc(), cms.Token(kAdmin), "", {{"If-Match", etag2}}).status, 200u);
  EXPECT_EQ(Send("GET", AliceDoc(), cms.Token(kAlice)).status, 404u);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].previous_etag, "");
  EXPECT_EQ(changes[1].previous_etag, etag);
  EXPECT_EQ(changes[1].new_etag, etag2);
  EXPECT_EQ(changes[2].new_etag, "");
}

TEST_F(XcapFixture, IwfWritesTheRootKeyElementConditionally) {
  CreateAlice();
  // The element does not exist yet: 404, but with the document's ETag for the If-Match.
  auto miss = Send("GET", AliceDoc() + RootKeyP25(), cms.Token(kIwf));
  EXPECT_EQ(miss.status, 404u);
  std::string etag = miss.Header("etag");
  ASSERT_FALSE(etag.empty());
  auto put = Send("PUT", AliceDoc() + RootKeyP25(), cms.Token(kIwf), RootKeyElementXml(),
                  {{"If-Match", etag}});
  EXPECT_EQ(put.status, 201u) << put.body;
  std::string etag2 = put.Header("etag");
  EXPECT_NE(etag2, etag);
  // A second writer with the old tag loses (412), the document keeps the first write.
  std::string before = Stored();
  EXPECT_EQ(Send("PUT", AliceDoc() + RootKeyP25(), cms.Token(kIwf), RootKeyElementXml(8),
                 {{"If-Match", etag}})
                .status,
            412u);
  EXPECT_EQ(Stored(), before);
  // The element reads back (for the IWF and for alice), with the document's ETag.
  auto get = Send("GET", AliceDoc() + RootKeyP25(), cms.Token(kAlice));
  EXPECT_EQ(get.status, 200u);
  EXPECT_EQ(get.content_type, kXcapElementMime);
  EXPECT_EQ(get.Header("etag"), etag2);
  auto el = cms::ParseLmrRootKeyElement(get.body);
  ASSERT_TRUE(el) << get.body;
  EXPECT_EQ(el->rotation_serial, 7u);
  // A rotation replaces it (200); a rollback to a lower serial is refused (409).
  auto rot = Send("PUT", AliceDoc() + RootKeyP25(), cms.Token(kIwf), RootKeyElementXml(8),
                  {{"If-Match", etag2}});
  EXPECT_EQ(rot.status, 200u) << rot.body;
  auto back = Send("PUT", AliceDoc() + RootKeyP25(), cms.Token(kIwf), RootKeyElementXml(7));
  EXPECT_EQ(back.status, 409u);
  EXPECT_NE(back.body.find("constraint-failure"), std::string::npos);
  // The IWF removes it.
  EXPECT_EQ(Send("DELETE", AliceDoc() + RootKeyP25(), cms.Token(kIwf)).status, 200u);
  EXPECT_EQ(Send("GET", AliceDoc() + RootKeyP25(), cms.Token(kAlice)).status, 404u);
  ASSERT_GE(changes.size(), 4u);
  EXPECT_TRUE(changes[1].node.has_value());
  EXPECT_FALSE(changes.back().node_exists);
}

TEST_F(XcapFixture, UserCannotReadAnotherUsersProfile) {
  std::string etag = CreateAlice();
  auto r = Send("GET", AliceDoc(), cms.Token(kBob));
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(r.Header("etag"), "");  // nothing about the document leaks
  EXPECT_EQ(Send("GET", AliceDoc() + RootKeyP25(), cms.Token(kBob)).status, 403u);
  // Nor a document that does not exist (403 before 404: existence is not revealed).
  EXPECT_EQ(Send("GET",
                 "/xcap-root/org.3gpp.mcptt.user-profile/users/sip:carol@example.org/"
                 "user-profile-1.xml",
                 cms.Token(kBob))
                .status,
            403u);
  // The user does not write their own profile either.
  EXPECT_EQ(Send("PUT", AliceDoc(), cms.Token(kAlice), AliceProfileXml("mine")).status, 403u);
  EXPECT_EQ(Stored(), AliceProfileXml());
  EXPECT_EQ(changes.size(), 1u);
}

TEST_F(XcapFixture, OnlyAnIwfWritesTheRootKey) {
  std::string etag = CreateAlice();
  for (const char* who : {kAdmin, kAlice, kBob}) {
    auto r = Send("PUT", AliceDoc() + RootKeyP25(), cms.Token(who), RootKeyElementXml());
    EXPECT_EQ(r.status, 403u) << who;
    EXPECT_EQ(Send("DELETE", AliceDoc() + RootKeyP25(), cms.Token(who)).status, 403u) << who;
  }
  // An administrator's whole-document PUT that adds a root key element: refused.
  auto with_key = *cms::SerializeUserProfile(cms::testing::SampleProfile(true));
  EXPECT_EQ(Send("PUT", AliceDoc(), cms.Token(kAdmin), with_key).status, 403u);
  // The IWF may write only that element, not the document nor other elements.
  EXPECT_EQ(Send("PUT", AliceDoc(), cms.Token(kIwf), AliceProfileXml("iwf")).status, 403u);
  EXPECT_EQ(Send("GET", AliceDoc(), cms.Token(kIwf)).status, 403u);
  EXPECT_EQ(Send("PUT", AliceDoc() + "/~~/mcptt-user-profile/ProfileName", cms.Token(kIwf),
                 "<ProfileName xmlns=\"urn:3gpp:mcptt:user-profile:1.0\">x</ProfileName>")
                .status,
            403u);
  // An element written in another IWF's name is refused too (iwf attribute = the writer).
  auto other = cms.Token("sip:iwf2@example.org");
  EXPECT_EQ(Send("PUT", AliceDoc() + RootKeyP25(), other, RootKeyElementXml()).status, 403u);
  EXPECT_EQ(Stored(), AliceProfileXml());
  EXPECT_EQ(changes.size(), 1u);
}

TEST_F(XcapFixture, MissingOrExpiredTokenIs401AndChangesNothing) {
  CreateAlice();
  auto none = Send("GET", AliceDoc(), "");
  EXPECT_EQ(none.status, 401u);
  EXPECT_EQ(none.Header("www-authenticate"), "Bearer");
  auto expired = Send("PUT", AliceDoc(), cms.Token(kAdmin, -1), AliceProfileXml("late"));
  EXPECT_EQ(expired.status, 401u);
  EXPECT_NE(expired.Header("www-authenticate").find("invalid_token"), std::string::npos);
  auto expired_iwf =
      Send("PUT", AliceDoc() + RootKeyP25(), cms.Token(kIwf, -1), RootKeyElementXml());
  EXPECT_EQ(expired_iwf.status, 401u);
  auto wrong_audience = Send("GET", AliceDoc(), cms.Token(kAlice, 600, "kms"));
  EXPECT_EQ(wrong_audience.status, 401u);
  // A token signed by another IdMS key.
  CmsEngine other;
  EXPECT_EQ(Send("GET", AliceDoc(), other.Token(kAlice)).status, 401u);
  EXPECT_EQ(Stored(), AliceProfileXml());
  EXPECT_EQ(changes.size(), 1u);
}

TEST_F(XcapFixture, ConflictsCarryXcapErrorDocuments) {
  auto expect409 = [&](const net::HttpResponse& r, std::string_view element) {
    EXPECT_EQ(r.status, 409u) << r.body;
    EXPECT_EQ(r.content_type, kXcapErrorMime);
    EXPECT_NE(r.body.find(std::string("<") + std::string(element)), std::string::npos) << r.body;
    EXPECT_NE(r.body.find(kXcapErrorNs), std::string::npos);
  };
  // Element PUT into a document that does not exist.
  expect409(Send("PUT", AliceDoc() + RootKeyP25(), cms.Token(kIwf), RootKeyElementXml()),
            "no-parent");
  expect409(Send("PUT", AliceDoc(), cms.Token(kAdmin), "<mcptt-user-profile"), "not-well-formed");
  expect409(Send("PUT", AliceDoc(), cms.Token(kAdmin), "<x/>"), "schema-validation-error");
  auto bob = cms::testing::SampleProfile(false);
  bob.mc_id = kBob;
  expect409(Send("PUT", AliceDoc(), cms.Token(kAdmin), *cms::SerializeUserProfile(bob)),
            "constraint-failure");
  std::string etag = CreateAlice();
  // A P25 element PUT at the TETRA selector would not be selected by it.
  std::string tetra =
      "/~~/mcptt-user-profile/lrk:lmr-root-key%5B@lmr-type=%22TETRA%22%5D"
      "?xmlns(lrk=urn:keybridge:ns:lmr-root-key:1.0)";
  expect409(Send("PUT", AliceDoc() + tetra, cms.Token(kIwf), RootKeyElementXml()), "cannot-insert");
  expect409(Send("PUT", AliceDoc() + RootKeyP25(), cms.Token(kIwf), "<a/><b/>"), "not-xml-frag");
  // A root key message addressed to bob, put into alice's profile.
  auto e = cms::testing::SampleRootKeyElement();
  auto m = mikey::IMessage::Decode(e.i_message);
  ASSERT_TRUE(m);
  for (auto& p : m->payloads) {
    if (auto* idr = std::get_if<mikey::IdrPayload>(&p);
        idr && idr->role == static_cast<uint8_t>(mikey::IdRole::kIdrr)) {
      *idr = mikey::IdrPayload::Uri(mikey::IdRole::kIdrr, kBob);
    }
  }
  e.i_message = *m->Encode();
  expect409(
      Send("PUT", AliceDoc() + RootKeyP25(), cms.Token(kIwf), *cms::SerializeLmrRootKeyElement(e)),
      "constraint-failure");
  // Clear attributes that differ from the signed extension.
  auto lying = cms::testing::SampleRootKeyElement();
  lying.kid = 0x9999;
  expect409(Send("PUT", AliceDoc() + RootKeyP25(), cms.Token(kIwf),
                 *cms::SerializeLmrRootKeyElement(lying)),
            "constraint-failure");
  EXPECT_EQ(Stored(), AliceProfileXml());
  // Bad URIs: 400 or 404.
  EXPECT_EQ(
      Send("GET", "/xcap-root/org.3gpp.mcptt.user-profile/global/x.xml", cms.Token(kAdmin)).status,
      400u);
  EXPECT_EQ(Send("GET", "/xcap-root/other.auid/users/sip:alice@example.org/user-profile-1.xml",
                 cms.Token(kAdmin))
                .status,
            404u);
}

TEST_F(XcapFixture, LmrAwareUsersForIwfAndAdministrators) {
  CreateAlice();
  auto bob = cms::testing::SampleProfile(false);
  bob.mc_id = kBob;
  bob.lmr_kmf_uri.clear();  // not LMR-aware
  EXPECT_EQ(Send("PUT",
                 "/xcap-root/org.3gpp.mcptt.user-profile/users/sip:bob@example.org/"
                 "user-profile-1.xml",
                 cms.Token(kAdmin), *cms::SerializeUserProfile(bob))
                .status,
            201u);
  auto r = Send("GET", std::string(kLmrAwareUsersPath), cms.Token(kIwf));
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "{\"users\":[\"sip:alice@example.org\"]}");
  EXPECT_EQ(Send("GET", std::string(kLmrAwareUsersPath), cms.Token(kAlice)).status, 403u);
}

TEST_F(XcapFixture, KeptAliveClientServesSeveralRequests) {
  auto c = XcapHttpsClient::Create(base, client);
  ASSERT_TRUE(c) << c.error().ToString();
  std::map<std::string, std::string> admin = {{"Authorization", "Bearer " + cms.Token(kAdmin)}};
  auto put = (*c)->Request("PUT", AliceDoc(), admin, AliceProfileXml(), kUserProfileMime);
  ASSERT_TRUE(put) << put.error().ToString();
  EXPECT_EQ(put->status, 201u);
  for (int i = 0; i < 3; ++i) {
    auto get = (*c)->Request("GET", AliceDoc(), admin, "", "");
    ASSERT_TRUE(get) << get.error().ToString();
    EXPECT_EQ(get->status, 200u);
    EXPECT_EQ(get->body, AliceProfileXml());
    EXPECT_EQ(get->Header("etag"), put->Header("etag"));
  }
  // Refusals come back as responses on the same connection.
  auto bob =
      (*c)->Request("GET", AliceDoc(), {{"Authorization", "Bearer " + cms.Token(kBob)}}, "", "");
  ASSERT_TRUE(bob);
  EXPECT_EQ(bob->status, 403u);
  // An untrusted server certificate fails the handshake.
  net::HttpsClientOptions wrong;
  wrong.ca_file = "/etc/ssl/certs/ca-certificates.crt";
  auto other = XcapHttpsClient::Create(base, wrong);
  ASSERT_TRUE(other);
  EXPECT_FALSE((*other)->Request("GET", AliceDoc(), admin, "", ""));
}

TEST(EtagList, StrongComparisonOnly) {
  EXPECT_TRUE(EtagListMatches("\"a\"", "\"a\""));
  EXPECT_TRUE(EtagListMatches(" \"b\" , \"a\"", "\"a\""));
  EXPECT_TRUE(EtagListMatches("*", "\"a\""));
  EXPECT_FALSE(EtagListMatches("*", ""));
  EXPECT_FALSE(EtagListMatches("W/\"a\"", "\"a\""));
  EXPECT_FALSE(EtagListMatches("\"ab\"", "\"a\""));
}

TEST(XcapErrorDocument, NamesTheConditionAndPhrase) {
  std::string doc = XcapErrorDocument(XcapErrorCondition::kCannotInsert, "a <b> & c");
  EXPECT_NE(doc.find("<xcap-error xmlns=\"urn:ietf:params:xml:ns:xcap-error\">"),
            std::string::npos);
  EXPECT_NE(doc.find("<cannot-insert phrase=\"a &lt;b> &amp; c\""), std::string::npos) << doc;
}

}  // namespace
}  // namespace kb::cms_service
