// RFC 7616 / RFC 2617 Digest: the published examples and header round trips.
#include "net/digest_auth.h"

#include <gtest/gtest.h>

namespace kb::net {
namespace {

SecretBytes Password(std::string_view p) { return SecretBytes(AsBytes(p)); }

// RFC 7616 3.9.1 (MD5 and SHA-256, qop=auth).
DigestCredentials Rfc7616() {
  DigestCredentials c;
  c.username = "Mufasa";
  c.realm = "http-auth@example.org";
  c.nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
  c.uri = "/dir/index.html";
  c.cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
  c.nc = "00000001";
  c.qop = "auth";
  return c;
}

TEST(Digest, Rfc7616Md5Example) {
  EXPECT_EQ(DigestResponse(DigestAlgorithm::kMd5, Rfc7616(), Password("Circle of Life"), "GET"),
            "8ca523f5e9506fed4657c9700eebdbec");
}

TEST(Digest, Rfc7616Sha256Example) {
  EXPECT_EQ(DigestResponse(DigestAlgorithm::kSha256, Rfc7616(), Password("Circle of Life"), "GET"),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

TEST(Digest, Rfc2617Example) {
  DigestCredentials c;
  c.username = "Mufasa";
  c.realm = "testrealm@host.com";
  c.nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093";
  c.uri = "/dir/index.html";
  c.cnonce = "0a4f113b";
  c.nc = "00000001";
  c.qop = "auth";
  EXPECT_EQ(DigestResponse(DigestAlgorithm::kMd5, c, Password("Circle Of Life"), "GET"),
            "6629fae49393a05397450978507c4ef1");
  EXPECT_NE(DigestResponse(DigestAlgorithm::kMd5, c, Password("Circle of Life"), "GET"),
            "6629fae49393a05397450978507c4ef1");
}

TEST(Digest, ChallengeRoundTrip) {
  DigestChallenge c{"keybridge", "abc123", "op", DigestAlgorithm::kSha256, true, true};
  auto text = FormatChallenge(c);
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("algorithm=SHA-256"), std::string::npos) << *text;
  auto back = ParseChallenge(*text);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(back->realm, "keybridge");
  EXPECT_EQ(back->nonce, "abc123");
  EXPECT_EQ(back->opaque, "op");
  EXPECT_EQ(back->algorithm, DigestAlgorithm::kSha256);
  EXPECT_TRUE(back->stale);
  EXPECT_TRUE(back->qop_auth);
}

TEST(Digest, ChallengeRefusals) {
  EXPECT_FALSE(ParseChallenge("Basic realm=\"x\""));
  EXPECT_FALSE(ParseChallenge("Digest realm=\"x\""));  // no nonce
  auto unknown = ParseChallenge("Digest realm=\"x\", nonce=\"n\", algorithm=SHA-512-256");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind(), ErrorKind::kUnsupported);
  auto md5 = ParseChallenge("Digest realm=\"x\", nonce=\"n\"");
  ASSERT_TRUE(md5);
  EXPECT_EQ(md5->algorithm, DigestAlgorithm::kMd5);
  EXPECT_FALSE(md5->qop_auth);
  DigestChallenge quote{"a\"b", "n", "", DigestAlgorithm::kMd5, false, true};
  EXPECT_FALSE(FormatChallenge(quote));
}

TEST(Digest, AnswerVerifiesAndAuthorizationRoundTrips) {
  DigestChallenge ch{"keybridge", "nonce1", "", DigestAlgorithm::kSha256, false, true};
  SecretBytes pw = Password("secret");
  DigestCredentials a = AnswerChallenge(ch, "alice@example.org", pw, "REGISTER", "sip:example.org");
  EXPECT_EQ(a.nc, "00000001");
  EXPECT_EQ(a.qop, "auth");
  auto text = FormatAuthorization(a);
  ASSERT_TRUE(text);
  auto back = ParseAuthorization(*text);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(back->username, "alice@example.org");
  EXPECT_EQ(back->uri, "sip:example.org");
  EXPECT_EQ(back->algorithm, DigestAlgorithm::kSha256);
  EXPECT_EQ(DigestResponse(back->algorithm, *back, pw, "REGISTER"), a.response);
  EXPECT_NE(DigestResponse(back->algorithm, *back, Password("Secret"), "REGISTER"), a.response);
  EXPECT_NE(DigestResponse(back->algorithm, *back, pw, "MESSAGE"), a.response);
}

TEST(Digest, AuthorizationRefusals) {
  EXPECT_FALSE(ParseAuthorization("Digest realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\""));
  EXPECT_FALSE(ParseAuthorization(
      "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\", qop=auth, "
      "nc=1, cnonce=\"c\""));
  EXPECT_FALSE(ParseAuthorization(
      "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\", qop=auth, "
      "nc=00000001"));
  EXPECT_TRUE(ParseAuthorization(
      "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"x\", qop=auth, "
      "nc=00000001, cnonce=\"c\""));
}

}  // namespace
}  // namespace kb::net
