// TS 23.283 10.12.2 routing and authorisation rules of the MC service server.
#include "mc_server/router.h"

#include <gtest/gtest.h>

#include "mc_endpoint/mc_endpoint.h"

namespace kb::mc_server {
namespace {

Router Make(size_t max_payload = 100) {
  return Router(
      {{"sip:iwf@example.org", EntityKind::kIwf}, {"sip:kmf@Example.ORG", EntityKind::kKmf}},
      [](std::string_view aor) {
        return aor == "sip:alice@example.org" || aor == "sip:bob@example.org";
      },
      max_payload);
}

Result<mc_endpoint::DecodedBody> Body(std::string to, std::string from, std::string mc_id,
                                      std::string fe, size_t payload = 3,
                                      std::optional<mc::LmrType> type = mc::LmrType::kP25) {
  mc_endpoint::SecurityMessageBody b;
  b.addressing = {std::move(to), std::move(from)};
  b.message = mc::SecurityMessageRequest{std::move(mc_id), std::move(fe), type,
                                         Bytes(payload, 0xab), std::nullopt};
  return mc_endpoint::DecodedBody(std::move(b));
}

TEST(Router, ClientToEntityAndEntityToClient) {
  Router r = Make();
  auto up = r.CheckAddressing("sip:alice@example.org", "sip:iwf@example.org", true);
  ASSERT_TRUE(up);
  EXPECT_EQ(up->direction, Direction::kToEntity);
  EXPECT_TRUE(r.CheckBody(*up, Body("sip:iwf@example.org", "sip:alice@example.org",
                                    "sip:alice@example.org", "sip:iwf@example.org")));
  // Entity names are compared canonically (host case).
  auto kmf = r.CheckAddressing("sip:bob@example.org", "sip:kmf@example.org", true);
  ASSERT_TRUE(kmf);
  EXPECT_EQ(kmf->target, "sip:kmf@example.org");

  auto down = r.CheckAddressing("sip:iwf@example.org", "sip:alice@example.org", true);
  ASSERT_TRUE(down);
  EXPECT_EQ(down->direction, Direction::kToClient);
  EXPECT_TRUE(r.CheckBody(*down, Body("sip:alice@example.org", "sip:iwf@example.org",
                                      "sip:alice@example.org", "sip:iwf@example.org")));
}

TEST(Router, Refusals) {
  Router r = Make();
  auto nr = r.CheckAddressing("sip:alice@example.org", "sip:iwf@example.org", false);
  ASSERT_FALSE(nr);
  EXPECT_EQ(nr.error().status, 403);
  EXPECT_TRUE(nr.error().reason.starts_with(mc_endpoint::kNotRegisteredReason));

  auto unknown = r.CheckAddressing("sip:iwf@example.org", "sip:nobody@example.org", true);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().status, 404);
  EXPECT_EQ(unknown.error().counter, "refused_unknown_target");

  auto c2c = r.CheckAddressing("sip:bob@example.org", "sip:alice@example.org", true);
  ASSERT_FALSE(c2c);
  EXPECT_EQ(c2c.error().status, 403);
  EXPECT_EQ(c2c.error().counter, "refused_not_entity");

  auto up = *r.CheckAddressing("sip:bob@example.org", "sip:iwf@example.org", true);
  // A client naming another MC service ID in the body.
  auto spoof = r.CheckBody(up, Body("sip:iwf@example.org", "sip:bob@example.org",
                                    "sip:alice@example.org", "sip:iwf@example.org"));
  ASSERT_FALSE(spoof);
  EXPECT_EQ(spoof.error().status, 403);
  EXPECT_EQ(spoof.error().counter, "refused_spoofed_sender");
  // A calling user ID that is not the From.
  auto caller = r.CheckBody(up, Body("sip:iwf@example.org", "sip:alice@example.org",
                                     "sip:bob@example.org", "sip:iwf@example.org"));
  ASSERT_FALSE(caller);
  EXPECT_EQ(caller.error().status, 403);
  // The info XML names another target.
  auto target = r.CheckBody(up, Body("sip:kmf@example.org", "sip:bob@example.org",
                                     "sip:bob@example.org", "sip:iwf@example.org"));
  ASSERT_FALSE(target);
  EXPECT_EQ(target.error().status, 400);
  // Oversized payload.
  auto big = r.CheckBody(up, Body("sip:iwf@example.org", "sip:bob@example.org",
                                  "sip:bob@example.org", "sip:iwf@example.org", 101));
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().status, 413);
  EXPECT_NE(big.error().reason.find("101"), std::string::npos);
  EXPECT_TRUE(r.CheckBody(up, Body("sip:iwf@example.org", "sip:bob@example.org",
                                   "sip:bob@example.org", "sip:iwf@example.org", 100)));
  // Malformed body.
  Result<mc_endpoint::DecodedBody> bad = Fail(Error::Malformed("interworking-data: IE 0x04"));
  auto m = r.CheckBody(up, bad);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().status, 400);
  EXPECT_NE(m.error().reason.find("IE 0x04"), std::string::npos);
  // Toward a client: LMR type required, MC service ID is the target.
  auto down = *r.CheckAddressing("sip:iwf@example.org", "sip:alice@example.org", true);
  auto notype =
      r.CheckBody(down, Body("sip:alice@example.org", "sip:iwf@example.org",
                             "sip:alice@example.org", "sip:iwf@example.org", 3, std::nullopt));
  ASSERT_FALSE(notype);
  EXPECT_EQ(notype.error().status, 400);
  auto other = r.CheckBody(down, Body("sip:alice@example.org", "sip:iwf@example.org",
                                      "sip:bob@example.org", "sip:iwf@example.org"));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().status, 400);
}

TEST(Router, EntityKinds) {
  EXPECT_EQ(*ParseEntityKind("kmf"), EntityKind::kKmf);
  EXPECT_FALSE(ParseEntityKind("pbx"));
}

}  // namespace
}  // namespace kb::mc_server
