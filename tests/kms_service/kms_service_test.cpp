// TS 33.180 Annex D over HTTPS: the KMS resources on 127.0.0.1 with IdMS tokens: init, keyprov
// for self (current and next period), another user's keys, no token, a bad time, certcache.
#include "kms_service/kms_service.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>

#include "idms/idms.h"
#include "idms/jwt.h"
#include "kms/community.h"
#include "kms/kms_request.h"
#include "kms/kms_response.h"
#include "kms/user_key_check.h"
#include "net/http_client.h"
#include "net/http_url.h"
#include "net/tls_identity.h"

namespace kb::kms_service {
namespace {

namespace fs = std::filesystem;

class MemoryLog final : public KmsStore {
 public:
  Status RecordIssue(const IssueRecord& r) override {
    std::lock_guard l(mu_);
    records.push_back(r);
    return Ok();
  }
  Result<std::vector<IssueRecord>> Issued(std::string_view u) override {
    std::lock_guard l(mu_);
    std::vector<IssueRecord> out;
    for (const auto& r : records) {
      if (r.user_uri == u) out.push_back(r);
    }
    return out;
  }
  std::vector<IssueRecord> records;

 private:
  std::mutex mu_;
};

const kms::Community& SharedCommunity() {
  static const kms::Community c = [] {
    kms::CommunityOptions o;
    o.kms_uri = "kms.example.org";
    o.key_period = KeyPeriod{86400, 0};
    o.valid_from = NtpTime::Now();
    o.valid_to = NtpTime::FromSeconds(NtpTime::Now().seconds() + 86400 * 365);
    auto r = kms::Community::Create(o);
    if (!r) std::abort();
    return std::move(*r);
  }();
  return c;
}

struct KmsFixture : ::testing::Test {
  fs::path dir = fs::temp_directory_path() / ("kb-kmss-" + std::to_string(::getpid()));
  idms::JwtSigner signer = idms::JwtSigner::Generate();
  MemoryLog log;
  std::unique_ptr<KmsService> service;
  std::unique_ptr<net::HttpsServer> server;
  net::HttpsClientOptions client;
  std::string base;
  NtpTime now = NtpTime::Now();

  void SetUp() override {
    auto verifier = idms::JwtVerifier::FromPublicKeyPem(signer.PublicKeyPem(),
                                                        "https://idms.example.org", "kms");
    ASSERT_TRUE(verifier);
    KmsServiceOptions o;
    o.required_scope = idms::kKmsScope;
    o.kms_id = "kms-1";
    service = std::make_unique<KmsService>(SharedCommunity(), *verifier, &log, o);
    auto id = net::LoadOrCreateSelfSigned(dir, {"127.0.0.1"});
    ASSERT_TRUE(id);
    net::HttpRouter router;
    AddKmsRoutes(router, *service, [] { return NtpTime::Now(); });
    net::HttpsServerOptions so;
    so.identity = *id;
    auto s = net::HttpsServer::Start(so, std::move(router));
    ASSERT_TRUE(s);
    server = std::move(*s);
    client.ca_file = id->cert_file;
    base = "https://127.0.0.1:" + std::to_string(server->port()) + std::string(kResourceBase);
  }
  void TearDown() override {
    server.reset();
    fs::remove_all(dir);
  }
  std::string Token(std::string sub, std::vector<std::string> scope = {idms::kKmsScope}) {
    idms::JwtClaims c;
    c.sub = std::move(sub);
    c.iss = "https://idms.example.org";
    c.aud = {"kms"};
    c.iat = now.unix_seconds();
    c.exp = c.iat + 600;
    c.scope = std::move(scope);
    return signer.Sign(c);
  }
  // POSTs and parses the KmsResponse; checks the HTTP status.
  kms::KmsResponse Post(const std::string& resource, const std::string& token, unsigned expect,
                        std::string body = {}) {
    std::map<std::string, std::string> h;
    if (!token.empty()) h["Authorization"] = "Bearer " + token;
    auto r =
        net::HttpsRequest(client, "POST", base + resource, std::move(body), "application/xml", h);
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, expect) << r->body;
    EXPECT_EQ(r->content_type, "application/xml");
    auto doc = kms::ParseKmsResponse(r->body);
    EXPECT_TRUE(doc) << r->body;
    return doc ? std::move(*doc) : kms::KmsResponse{};
  }
  uint64_t ErrorCode(const kms::KmsResponse& r) {
    auto* e = std::get_if<kms::KmsError>(&r.message);
    return e == nullptr ? 0 : e->error_code;
  }
};

constexpr const char* kAlice = "sip:alice@example.org";

TEST_F(KmsFixture, InitReturnsTheCertificate) {
  auto r = Post("init", Token(kAlice), 200);
  auto* init = std::get_if<kms::KmsInit>(&r.message);
  ASSERT_NE(init, nullptr);
  // The XML carries whole seconds, so compare what identifies the community.
  const auto& cert = SharedCommunity().certificate();
  EXPECT_EQ(init->certificate.kms_uri, cert.kms_uri);
  EXPECT_EQ(init->certificate.pub_auth_key, cert.pub_auth_key);
  EXPECT_EQ(init->certificate.pub_enc_key, cert.pub_enc_key);
  EXPECT_EQ(init->certificate.key_period.length_seconds, 86400u);
  EXPECT_EQ(r.user_uri, kAlice);
  EXPECT_EQ(r.kms_id, "kms-1");
}

TEST_F(KmsFixture, KeyProvForSelfGivesCurrentAndNextPeriod) {
  auto r = Post("keyprov", Token(kAlice), 200);
  auto* prov = std::get_if<kms::KmsKeyProv>(&r.message);
  ASSERT_NE(prov, nullptr);
  ASSERT_EQ(prov->key_sets.size(), 2u);
  const auto& cert = SharedCommunity().certificate();
  uint64_t current = cert.key_period.NumberAt(now);
  EXPECT_EQ(prov->key_sets[0].key_period_no, current);
  EXPECT_EQ(prov->key_sets[1].key_period_no, current + 1);
  for (const auto& s : prov->key_sets) {
    EXPECT_EQ(s.user_uri, kAlice);
    EXPECT_TRUE(kms::CheckKeySet(cert, s));
  }
  EXPECT_EQ(log.records.size(), 2u);
  // The same through keyprov/<uri>, and with a KmsRequest body.
  auto r2 = Post("keyprov/" + net::PercentEncode(kAlice), Token(kAlice), 200);
  EXPECT_NE(std::get_if<kms::KmsKeyProv>(&r2.message), nullptr);
  kms::KmsRequest req;
  req.user_uri = kAlice;
  req.kms_uri = "kms.example.org";
  req.time = now;
  req.client_req_url = base + "keyprov";
  auto r3 = Post("keyprov", Token(kAlice), 200, kms::ToXml(req));
  EXPECT_EQ(r3.client_req_url, req.client_req_url);
}

TEST_F(KmsFixture, KeyProvAtATimeGivesThatPeriodOnly) {
  const auto& cert = SharedCommunity().certificate();
  uint64_t next = cert.key_period.NumberAt(now) + 1;
  std::string t = fmt::format("{:016X}", cert.key_period.Start(next).raw());
  auto r = Post("keyprov/" + net::PercentEncode(kAlice) + "/" + t, Token(kAlice), 200);
  auto* prov = std::get_if<kms::KmsKeyProv>(&r.message);
  ASSERT_NE(prov, nullptr);
  ASSERT_EQ(prov->key_sets.size(), 1u);
  EXPECT_EQ(prov->key_sets[0].key_period_no, next);
  // Two periods ahead, or one behind: refused.
  std::string far = fmt::format("{:016X}", cert.key_period.Start(next + 1).raw());
  EXPECT_EQ(
      ErrorCode(Post("keyprov/" + net::PercentEncode(kAlice) + "/" + far, Token(kAlice), 403)),
      403u);
  std::string past = fmt::format("{:016X}", cert.key_period.Start(next - 2).raw());
  EXPECT_EQ(
      ErrorCode(Post("keyprov/" + net::PercentEncode(kAlice) + "/" + past, Token(kAlice), 403)),
      403u);
  EXPECT_EQ(ErrorCode(Post("keyprov/" + net::PercentEncode(kAlice) + "/12345", Token(kAlice), 400)),
            400u);
}

TEST_F(KmsFixture, AnotherUsersKeysAreRefused) {
  auto r = Post("keyprov/" + net::PercentEncode("sip:bob@example.org"), Token(kAlice), 403);
  EXPECT_EQ(ErrorCode(r), 403u);
  EXPECT_EQ(r.user_uri, kAlice);
  // Also when the KmsRequest names bob.
  kms::KmsRequest req;
  req.user_uri = "sip:bob@example.org";
  req.kms_uri = "kms.example.org";
  req.time = now;
  req.client_req_url = base + "keyprov";
  EXPECT_EQ(ErrorCode(Post("keyprov", Token(kAlice), 403, kms::ToXml(req))), 403u);
  EXPECT_TRUE(log.records.empty());
}

TEST_F(KmsFixture, MissingOrBadTokenIs401) {
  EXPECT_EQ(ErrorCode(Post("keyprov", "", 401)), 401u);
  std::string t = Token(kAlice);
  t[t.size() - 3] = t[t.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(ErrorCode(Post("keyprov", t, 401)), 401u);
  // A token from another IdMS key.
  idms::JwtSigner other = idms::JwtSigner::Generate();
  idms::JwtClaims c;
  c.sub = kAlice;
  c.iss = "https://idms.example.org";
  c.aud = {"kms"};
  c.iat = now.unix_seconds();
  c.exp = c.iat + 600;
  EXPECT_EQ(ErrorCode(Post("keyprov", other.Sign(c), 401)), 401u);
  // No KMS scope.
  EXPECT_EQ(ErrorCode(Post("keyprov", Token(kAlice, {"openid"}), 403)), 403u);
}

TEST_F(KmsFixture, BadRequestsAreRefusedWithKmsError) {
  kms::KmsRequest req;
  req.user_uri = kAlice;
  req.kms_uri = "other-kms.example.org";
  req.time = now;
  req.client_req_url = base + "keyprov";
  EXPECT_EQ(ErrorCode(Post("keyprov", Token(kAlice), 400, kms::ToXml(req))), 400u);
  req.kms_uri = "kms.example.org";
  req.time = NtpTime::FromSeconds(now.seconds() - 3600);
  EXPECT_EQ(ErrorCode(Post("keyprov", Token(kAlice), 400, kms::ToXml(req))), 400u);
  req.time = now;
  req.client_req_url = base + "init";
  EXPECT_EQ(ErrorCode(Post("keyprov", Token(kAlice), 400, kms::ToXml(req))), 400u);
  EXPECT_EQ(ErrorCode(Post("keyprov", Token(kAlice), 400, "<KmsRequest>")), 400u);
  EXPECT_EQ(ErrorCode(Post("nothing", Token(kAlice), 404)), 404u);
}

TEST_F(KmsFixture, CertCache) {
  auto r = Post("certcache", Token(kAlice), 200);
  auto* cache = std::get_if<kms::KmsCertCache>(&r.message);
  ASSERT_NE(cache, nullptr);
  EXPECT_EQ(cache->cache_num, 1u);
  auto r2 = Post("certcache/1", Token(kAlice), 200);
  ASSERT_NE(std::get_if<kms::KmsCertCache>(&r2.message), nullptr);
  EXPECT_EQ(ErrorCode(Post("certcache/x", Token(kAlice), 400)), 400u);
}

}  // namespace
}  // namespace kb::kms_service
