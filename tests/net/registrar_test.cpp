// RFC 3261 10.3 registrar with RFC 7616 Digest: challenge, answer, bindings, expiry.
#include "net/registrar.h"

#include <gtest/gtest.h>

#include <map>

namespace kb::net {
namespace {

using namespace std::chrono_literals;

const RegistrarClock::time_point kT0 = RegistrarClock::time_point(1'800'000'000s);

class RegistrarTest : public ::testing::Test {
 protected:
  RegistrarTest()
      : registrar_(RegistrarConfig{}, [](std::string_view user) -> std::optional<SecretBytes> {
          if (user == "alice@example.org") return SecretBytes(AsBytes("alice-pw"));
          if (user == "bob") return SecretBytes(AsBytes("bob-pw"));
          return std::nullopt;
        }) {}

  SipMessage Register(const std::string& aor, std::vector<std::string> contacts,
                      std::optional<uint32_t> expires, uint32_t cseq,
                      const std::string& call_id = "reg-1") {
    SipMessage m = SipMessage::Request("REGISTER", "sip:example.org");
    EXPECT_TRUE(m.AddHeader(
        "Via", "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK" + std::to_string(cseq) + call_id));
    EXPECT_TRUE(m.AddHeader("From", "<" + aor + ">;tag=f1"));
    EXPECT_TRUE(m.AddHeader("To", "<" + aor + ">"));
    EXPECT_TRUE(m.AddHeader("Call-ID", call_id));
    EXPECT_TRUE(m.AddHeader("CSeq", std::to_string(cseq) + " REGISTER"));
    for (const auto& c : contacts) {
      EXPECT_TRUE(m.AddHeader("Contact", c));
    }
    if (expires) {
      EXPECT_TRUE(m.AddHeader("Expires", std::to_string(*expires)));
    }
    return m;
  }

  // Sends `m` unauthenticated, answers the challenge with (user, password, algorithm), returns
  // the second response.
  SipMessage Authenticated(SipMessage m, const std::string& user, const std::string& password,
                           RegistrarClock::time_point now,
                           DigestAlgorithm alg = DigestAlgorithm::kSha256) {
    SipMessage challenge = registrar_.Handle(m, now);
    EXPECT_EQ(challenge.StatusCode(), 401);
    std::optional<DigestChallenge> pick;
    for (const auto& v : challenge.Headers("WWW-Authenticate")) {
      auto c = ParseChallenge(v);
      if (c && c->algorithm == alg) pick = *c;
    }
    EXPECT_TRUE(pick);
    auto creds =
        AnswerChallenge(*pick, user, SecretBytes(AsBytes(password)), "REGISTER", m.RequestUri());
    EXPECT_TRUE(m.AddHeader("Authorization", *FormatAuthorization(creds)));
    return registrar_.Handle(m, now);
  }

  Registrar registrar_;
};

TEST_F(RegistrarTest, ChallengesWithSha256AndMd5) {
  SipMessage r = registrar_.Handle(
      Register("sip:alice@example.org", {"<sip:alice@127.0.0.1:5070>"}, 600, 1), kT0);
  EXPECT_EQ(r.StatusCode(), 401);
  auto values = r.Headers("WWW-Authenticate");
  ASSERT_EQ(values.size(), 2u);
  auto first = ParseChallenge(values[0]);
  auto second = ParseChallenge(values[1]);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->algorithm, DigestAlgorithm::kSha256);
  EXPECT_EQ(second->algorithm, DigestAlgorithm::kMd5);
  EXPECT_TRUE(first->qop_auth);
  EXPECT_FALSE(first->stale);
  EXPECT_EQ(first->realm, "keybridge");
  EXPECT_TRUE(registrar_.Lookup("sip:alice@example.org", kT0).empty());
}

TEST_F(RegistrarTest, RegistersWithEitherAlgorithm) {
  for (auto alg : {DigestAlgorithm::kSha256, DigestAlgorithm::kMd5}) {
    uint32_t cseq = alg == DigestAlgorithm::kSha256 ? 1 : 5;
    SipMessage ok =
        Authenticated(Register("sip:alice@example.org", {"<sip:alice@127.0.0.1:5070>"}, 600, cseq),
                      "alice@example.org", "alice-pw", kT0, alg);
    EXPECT_EQ(ok.StatusCode(), 200) << ok.ReasonPhrase();
  }
  auto b = registrar_.Lookup("sip:alice@EXAMPLE.org", kT0 + 10s);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].contact, "sip:alice@127.0.0.1:5070");
  EXPECT_EQ(b[0].expires_at, kT0 + 600s);
}

TEST_F(RegistrarTest, WrongPasswordAndUnknownUserAre403) {
  SipMessage wrong = Authenticated(Register("sip:alice@example.org", {"<sip:a@127.0.0.1>"}, 600, 1),
                                   "alice@example.org", "not-alice-pw", kT0);
  EXPECT_EQ(wrong.StatusCode(), 403);
  EXPECT_NE(wrong.ReasonPhrase().find("wrong password"), std::string::npos);
  SipMessage unknown = Authenticated(
      Register("sip:carol@example.org", {"<sip:c@127.0.0.1>"}, 600, 1), "carol", "x", kT0);
  EXPECT_EQ(unknown.StatusCode(), 403);
  EXPECT_TRUE(registrar_.Lookup("sip:alice@example.org", kT0).empty());
}

TEST_F(RegistrarTest, UsernameMustOwnTheAor) {
  SipMessage r = Authenticated(Register("sip:alice@example.org", {"<sip:b@127.0.0.1>"}, 600, 1),
                               "bob", "bob-pw", kT0);
  EXPECT_EQ(r.StatusCode(), 403);
  EXPECT_NE(r.ReasonPhrase().find("does not own"), std::string::npos);
  // "bob" owns sip:bob@example.org through its user part.
  SipMessage ok = Authenticated(Register("sip:bob@example.org", {"<sip:b@127.0.0.1>"}, 600, 1),
                                "bob", "bob-pw", kT0);
  EXPECT_EQ(ok.StatusCode(), 200);
}

TEST_F(RegistrarTest, StaleNonceGetsStaleChallenge) {
  SipMessage m = Register("sip:alice@example.org", {"<sip:a@127.0.0.1>"}, 600, 1);
  SipMessage challenge = registrar_.Handle(m, kT0);
  auto c = ParseChallenge(challenge.Headers("WWW-Authenticate")[0]);
  ASSERT_TRUE(c);
  auto creds = AnswerChallenge(*c, "alice@example.org", SecretBytes(AsBytes("alice-pw")),
                               "REGISTER", m.RequestUri());
  ASSERT_TRUE(m.AddHeader("Authorization", *FormatAuthorization(creds)));
  SipMessage late = registrar_.Handle(m, kT0 + 301s);
  EXPECT_EQ(late.StatusCode(), 401);
  auto again = ParseChallenge(late.Headers("WWW-Authenticate")[0]);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->stale);
  // The same answer in time is accepted, and replaying it (same nc) is challenged again.
  EXPECT_EQ(registrar_.Handle(m, kT0 + 299s).StatusCode(), 200);
  SipMessage replay = registrar_.Handle(m, kT0 + 299s);
  EXPECT_EQ(replay.StatusCode(), 401);
}

TEST_F(RegistrarTest, ForgedNonceIsChallengedNotAccepted) {
  SipMessage m = Register("sip:alice@example.org", {"<sip:a@127.0.0.1>"}, 600, 1);
  DigestChallenge forged{"keybridge", std::string(64, 'a'), "", DigestAlgorithm::kSha256, false,
                         true};
  auto creds = AnswerChallenge(forged, "alice@example.org", SecretBytes(AsBytes("alice-pw")),
                               "REGISTER", m.RequestUri());
  ASSERT_TRUE(m.AddHeader("Authorization", *FormatAuthorization(creds)));
  EXPECT_EQ(registrar_.Handle(m, kT0).StatusCode(), 401);
}

TEST_F(RegistrarTest, SeveralContactsUnregisterAndExpiry) {
  ASSERT_EQ(
      Authenticated(Register("sip:alice@example.org",
                             {"<sip:alice@127.0.0.1:5070>", "<sip:alice@127.0.0.1:5071>"}, 600, 1),
                    "alice@example.org", "alice-pw", kT0)
          .StatusCode(),
      200);
  SipMessage third =
      Authenticated(Register("sip:alice@example.org", {"<sip:alice@127.0.0.1:5072>;expires=120"},
                             600, 1, "reg-2"),
                    "alice@example.org", "alice-pw", kT0);
  ASSERT_EQ(third.StatusCode(), 200);
  EXPECT_EQ(third.Headers("Contact").size(), 3u);
  EXPECT_EQ(registrar_.Lookup("sip:alice@example.org", kT0).size(), 3u);
  // The 120 s binding expires first.
  EXPECT_EQ(registrar_.Lookup("sip:alice@example.org", kT0 + 121s).size(), 2u);
  // Unregister one contact with Expires: 0.
  SipMessage off =
      Authenticated(Register("sip:alice@example.org", {"<sip:alice@127.0.0.1:5070>"}, 0, 2),
                    "alice@example.org", "alice-pw", kT0 + 10s);
  ASSERT_EQ(off.StatusCode(), 200);
  auto left = registrar_.Lookup("sip:alice@example.org", kT0 + 10s);
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].contact, "sip:alice@127.0.0.1:5071");
  // Contact: * with Expires: 0 removes the rest.
  SipMessage all = Authenticated(Register("sip:alice@example.org", {"*"}, 0, 3),
                                 "alice@example.org", "alice-pw", kT0 + 20s);
  ASSERT_EQ(all.StatusCode(), 200) << all.ReasonPhrase();
  EXPECT_TRUE(registrar_.Lookup("sip:alice@example.org", kT0 + 20s).empty());
  registrar_.Expire(kT0 + 1000s);
}

TEST_F(RegistrarTest, RefusesBriefIntervalOutOfOrderAndBadWildcard) {
  SipMessage brief = Authenticated(Register("sip:alice@example.org", {"<sip:a@127.0.0.1>"}, 10, 1),
                                   "alice@example.org", "alice-pw", kT0);
  EXPECT_EQ(brief.StatusCode(), 423);
  EXPECT_EQ(brief.Header("Min-Expires"), "60");
  ASSERT_EQ(Authenticated(Register("sip:alice@example.org", {"<sip:a@127.0.0.1>"}, 600, 5),
                          "alice@example.org", "alice-pw", kT0)
                .StatusCode(),
            200);
  SipMessage old = Authenticated(Register("sip:alice@example.org", {"<sip:a@127.0.0.1>"}, 600, 4),
                                 "alice@example.org", "alice-pw", kT0);
  EXPECT_EQ(old.StatusCode(), 500);
  SipMessage wildcard = Authenticated(Register("sip:alice@example.org", {"*"}, 600, 9),
                                      "alice@example.org", "alice-pw", kT0);
  EXPECT_EQ(wildcard.StatusCode(), 400);
}

}  // namespace
}  // namespace kb::net
