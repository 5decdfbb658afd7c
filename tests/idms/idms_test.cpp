// keybridge IdMS: scrypt password hashes (RFC 7914), ES256 JWTs (RFC 7515/7519), the login
// engine and its HTTPS endpoints on 127.0.0.1.
#include "idms/idms.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "idms/idms_http.h"
#include "idms/jwt.h"
#include "idms/password_hash.h"
#include "net/http_client.h"
#include "net/http_server.h"
#include "net/tls_identity.h"

namespace kb::idms {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr ScryptCost kFast{10, 8, 1};
constexpr int64_t kNow = 1'800'000'000;

class MemoryStore final : public IdmsStore {
 public:
  Result<std::optional<Account>> Find(std::string_view s) override {
    std::lock_guard l(mu_);
    auto it = accounts_.find(std::string(s));
    if (it == accounts_.end()) return std::optional<Account>();
    return std::optional<Account>(it->second);
  }
  Status Put(const Account& a) override {
    std::lock_guard l(mu_);
    accounts_[a.subject] = a;
    return Ok();
  }
  Result<std::vector<std::string>> Subjects() override {
    std::vector<std::string> out;
    for (auto& [k, v] : accounts_) out.push_back(k);
    return out;
  }
  std::map<std::string, Account> accounts_;

 private:
  std::mutex mu_;
};

std::string Flip(std::string token, size_t pos) {
  token[pos] = token[pos] == 'A' ? 'B' : 'A';
  return token;
}

TEST(PasswordHash, VerifiesRightAndRefusesWrong) {
  std::string h = HashPassword("correct horse", kFast);
  EXPECT_TRUE(h.starts_with("$scrypt$ln=10,r=8,p=1$"));
  EXPECT_EQ(VerifyPassword("correct horse", h), true);
  EXPECT_EQ(VerifyPassword("correct horsf", h), false);
  EXPECT_EQ(VerifyPassword("", h), false);
  // A fresh salt each time.
  EXPECT_NE(HashPassword("correct horse", kFast), h);
}

TEST(PasswordHash, RefusesMalformedAndCostlyRecords) {
  EXPECT_FALSE(VerifyPassword("x", "plain"));
  EXPECT_FALSE(VerifyPassword("x", "$pbkdf2$ln=10,r=8,p=1$AAAAAAAAAAA=$AAAA"));
  EXPECT_FALSE(
      VerifyPassword("x", "$scrypt$ln=30,r=8,p=1$c2FsdHNhbHRzYWx0$" + std::string(44, 'A')));
  std::string h = HashPassword("pw", kFast);
  EXPECT_FALSE(VerifyPassword("pw", h + "$extra"));
  EXPECT_FALSE(VerifyPassword("pw", h.substr(0, h.size() - 4)));
}

JwtClaims Claims() {
  JwtClaims c;
  c.sub = "sip:alice@example.org";
  c.iss = "https://idms.example.org";
  c.aud = {"kms"};
  c.iat = kNow;
  c.exp = kNow + 600;
  c.scope = {"openid", kKmsScope};
  return c;
}

TEST(Jwt, SignVerifyRoundTrip) {
  JwtSigner signer = JwtSigner::Generate();
  std::string token = signer.Sign(Claims());
  auto v = JwtVerifier::FromPublicKeyPem(signer.PublicKeyPem(), "https://idms.example.org", "kms");
  ASSERT_TRUE(v);
  auto c = v->Verify(token, kNow + 10);
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->sub, "sip:alice@example.org");
  EXPECT_TRUE(c->HasScope(kKmsScope));
  EXPECT_EQ(c->exp, kNow + 600);
  // The header says ES256, JWT and the RFC 7638 thumbprint as kid.
  auto header = FromBase64(token.substr(0, token.find('.')));
  ASSERT_TRUE(header);
  json h = json::parse(std::string(header->begin(), header->end()));
  EXPECT_EQ(h["alg"], "ES256");
  EXPECT_EQ(h["typ"], "JWT");
  EXPECT_EQ(h["kid"], signer.kid());
  // The same key through the JWKS document.
  auto w = JwtVerifier::FromJwks(signer.Jwks(), "https://idms.example.org", "kms");
  ASSERT_TRUE(w) << w.error().ToString();
  EXPECT_TRUE(w->Verify(token, kNow));
  EXPECT_EQ(w->kid(), signer.kid());
}

TEST(Jwt, RefusesTamperedExpiredAndForeignTokens) {
  JwtSigner signer = JwtSigner::Generate();
  std::string token = signer.Sign(Claims());
  auto v = *JwtVerifier::FromPublicKeyPem(signer.PublicKeyPem(), "https://idms.example.org", "kms");
  size_t d1 = token.find('.'), d2 = token.rfind('.');
  // A changed claim or signature.
  auto t1 = v.Verify(Flip(token, d1 + 5), kNow);
  ASSERT_FALSE(t1);
  auto t2 = v.Verify(Flip(token, d2 + 5), kNow);
  ASSERT_FALSE(t2);
  EXPECT_EQ(t2.error().kind(), ErrorKind::kCryptoFailure);
  // Expired, issued in the future.
  auto e = v.Verify(token, kNow + 600 + 61);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().kind(), ErrorKind::kExpired);
  EXPECT_FALSE(v.Verify(token, kNow - 120));
  // Another audience or issuer.
  auto a = JwtVerifier::FromPublicKeyPem(signer.PublicKeyPem(), "https://idms.example.org", "cms");
  auto wrong_aud = a->Verify(token, kNow);
  ASSERT_FALSE(wrong_aud);
  EXPECT_EQ(wrong_aud.error().kind(), ErrorKind::kUnauthorised);
  auto i = JwtVerifier::FromPublicKeyPem(signer.PublicKeyPem(), "https://evil.example.org", "kms");
  EXPECT_FALSE(i->Verify(token, kNow));
  // Another signing key.
  JwtSigner other = JwtSigner::Generate();
  auto o = JwtVerifier::FromPublicKeyPem(other.PublicKeyPem(), "https://idms.example.org", "kms");
  EXPECT_FALSE(o->Verify(token, kNow));
  // alg "none" with the signature dropped, and junk.
  std::string none_header =
      ToBase64Url(ByteView(reinterpret_cast<const uint8_t*>(R"({"alg":"none"})"), 14));
  EXPECT_FALSE(v.Verify(none_header + token.substr(d1, d2 - d1 + 1), kNow));
  EXPECT_FALSE(v.Verify("a.b", kNow));
  EXPECT_FALSE(v.Verify("a.b.c.d", kNow));
  EXPECT_FALSE(v.Verify(token + "=", kNow));
  EXPECT_FALSE(v.Verify(std::string(kMaxTokenBytes + 1, 'a'), kNow));
}

TEST(Jwt, SigningKeyFileIsPrivateAndReloads) {
  fs::path dir = fs::temp_directory_path() / ("kb-jwt-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto a = JwtSigner::LoadOrCreate(dir / "key.pem");
  ASSERT_TRUE(a) << a.error().ToString();
  EXPECT_EQ(fs::status(dir / "key.pem").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  auto b = JwtSigner::LoadOrCreate(dir / "key.pem");
  ASSERT_TRUE(b);
  EXPECT_EQ(a->kid(), b->kid());
  fs::permissions(dir / "key.pem", fs::perms::group_read, fs::perm_options::add);
  auto c = JwtSigner::LoadOrCreate(dir / "key.pem");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind(), ErrorKind::kUnauthorised);
  fs::remove_all(dir);
}

IdmsOptions Options() {
  IdmsOptions o;
  o.issuer = "https://idms.example.org";
  o.audience = {"kms", "cms"};
  o.password_cost = kFast;
  return o;
}

TEST(Idms, LoginIssuesTokenWithIdentityAndScopes) {
  MemoryStore store;
  Idms idms(Options(), store, JwtSigner::Generate());
  ASSERT_TRUE(idms.Provision("sip:alice@example.org", "alice-secret", {kKmsScope}, false));
  auto grant = idms.Login("sip:alice@example.org", "alice-secret", kNow);
  ASSERT_TRUE(grant) << grant.error().ToString();
  EXPECT_EQ(grant->expires_in, 3600);
  auto v = JwtVerifier::FromPublicKeyPem(idms.signer().PublicKeyPem(), "https://idms.example.org",
                                         "cms");
  auto c = v->Verify(grant->access_token, kNow);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->sub, "sip:alice@example.org");
  EXPECT_EQ(c->scope, std::vector<std::string>{kKmsScope});
  // The stored record is a hash, not the password.
  EXPECT_EQ(store.accounts_.at("sip:alice@example.org").password_hash.find("alice-secret"),
            std::string::npos);
}

TEST(Idms, WrongPasswordUnknownUserAndDisabledAccountFailAlike) {
  MemoryStore store;
  Idms idms(Options(), store, JwtSigner::Generate());
  ASSERT_TRUE(idms.Provision("sip:alice@example.org", "alice-secret", {}, false));
  auto a = idms.Login("sip:alice@example.org", "bob-secret!", kNow);
  auto b = idms.Login("sip:nobody@example.org", "alice-secret", kNow);
  ASSERT_FALSE(a);
  ASSERT_FALSE(b);
  EXPECT_EQ(a.error().kind(), ErrorKind::kUnauthorised);
  EXPECT_EQ(a.error().message(), b.error().message());
  store.accounts_["sip:alice@example.org"].disabled = true;
  EXPECT_FALSE(idms.Login("sip:alice@example.org", "alice-secret", kNow));
  EXPECT_FALSE(idms.Provision("sip:x@example.org", "short", {}, false));
}

TEST(Idms, ProvisionIfMissingKeepsAnExistingPassword) {
  MemoryStore store;
  Idms idms(Options(), store, JwtSigner::Generate());
  ASSERT_TRUE(idms.Provision("sip:a@example.org", "first-password", {}, false));
  ASSERT_TRUE(idms.ProvisionIfMissing("sip:a@example.org", "second-password", {}, false));
  EXPECT_TRUE(idms.Login("sip:a@example.org", "first-password", kNow));
  EXPECT_FALSE(idms.Login("sip:a@example.org", "second-password", kNow));
}

struct HttpFixture : ::testing::Test {
  fs::path dir = fs::temp_directory_path() / ("kb-idms-" + std::to_string(::getpid()));
  MemoryStore store;
  std::unique_ptr<Idms> idms;
  std::unique_ptr<net::HttpsServer> server;
  net::HttpsClientOptions client;
  std::string base;

  void SetUp() override {
    idms = std::make_unique<Idms>(Options(), store, JwtSigner::Generate());
    ASSERT_TRUE(idms->Provision("admin", "admin-password", {kAdminScope}, true));
    ASSERT_TRUE(idms->Provision("sip:alice@example.org", "alice-secret", {kKmsScope}, false));
    auto id = net::LoadOrCreateSelfSigned(dir, {"127.0.0.1"});
    ASSERT_TRUE(id);
    net::HttpRouter router;
    AddIdmsRoutes(router, *idms, [] { return kNow; });
    net::HttpsServerOptions o;
    o.identity = *id;
    auto s = net::HttpsServer::Start(o, std::move(router));
    ASSERT_TRUE(s);
    server = std::move(*s);
    client.ca_file = id->cert_file;
    base = "https://127.0.0.1:" + std::to_string(server->port());
  }
  void TearDown() override {
    server.reset();
    fs::remove_all(dir);
  }
  json Post(const std::string& path, std::string body, std::string type, unsigned expect,
            std::string token = {}) {
    std::map<std::string, std::string> h;
    if (!token.empty()) h["Authorization"] = "Bearer " + token;
    auto r = net::HttpsRequest(client, "POST", base + path, std::move(body), type, h);
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, expect) << r->body;
    return json::parse(r->body, nullptr, false);
  }
};

TEST_F(HttpFixture, TokenByFormAndJson) {
  json a = Post("/idms/token",
                "grant_type=password&username=sip%3Aalice%40example.org&password=alice-secret",
                "application/x-www-form-urlencoded", 200);
  ASSERT_TRUE(a.contains("access_token"));
  EXPECT_EQ(a["token_type"], "Bearer");
  EXPECT_EQ(a["expires_in"], 3600);
  json b = Post("/idms/token", R"({"username":"sip:alice@example.org","password":"alice-secret"})",
                "application/json", 200);
  auto v =
      JwtVerifier::FromJwks(net::HttpsRequest(client, "GET", base + "/.well-known/jwks.json")->body,
                            "https://idms.example.org", "kms");
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->Verify(b["access_token"].get<std::string>(), kNow));
  json bad = Post("/idms/token", R"({"username":"sip:alice@example.org","password":"nope-nope"})",
                  "application/json", 400);
  EXPECT_EQ(bad["error"], "invalid_grant");
  json missing = Post("/idms/token", "username=x", "application/x-www-form-urlencoded", 400);
  EXPECT_EQ(missing["error"], "invalid_request");
}

TEST_F(HttpFixture, AdminProvisionsAccounts) {
  std::string body =
      R"({"username":"sip:iwf@example.org","password":"iwf-password","scopes":["3gpp:mc:ptt_key_management_service"],"service":true})";
  Post("/idms/users", body, "application/json", 401);
  std::string alice =
      Post("/idms/token", R"({"username":"sip:alice@example.org","password":"alice-secret"})",
           "application/json", 200)["access_token"];
  Post("/idms/users", body, "application/json", 403, alice);
  std::string admin = Post("/idms/token", R"({"username":"admin","password":"admin-password"})",
                           "application/json", 200)["access_token"];
  Post("/idms/users", body, "application/json", 201, admin);
  EXPECT_TRUE(store.accounts_.at("sip:iwf@example.org").service);
  Post("/idms/token", R"({"username":"sip:iwf@example.org","password":"iwf-password"})",
       "application/json", 200);
}

}  // namespace
}  // namespace kb::idms
