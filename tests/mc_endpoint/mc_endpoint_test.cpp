// TS 23.283 10.12 endpoint on real loopback sockets: one McEndpoint sends a MESSAGE straight to
// another (which stands in for the server) and the receiver dispatches, de-duplicates and answers
// as its handler says. Registration through the server is covered in tests/mc_server.
#include "mc_endpoint/mc_endpoint.h"

#include <gtest/gtest.h>

#include <future>

namespace kb::mc_endpoint {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<McEndpoint> Make(std::string identity, net::SipEndpoint server) {
  McEndpointConfig c;
  c.identity = std::move(identity);
  c.server = server;
  c.stack.t1 = 10ms;
  c.stack.t2 = 40ms;
  c.stack.t4 = 20ms;
  auto e = McEndpoint::Start(std::move(c));
  EXPECT_TRUE(e) << e.error().message();
  return std::move(*e);
}

TEST(McEndpoint, ReceivesDispatchesAndDeduplicates) {
  // `b` plays the server for `a`: a's MESSAGEs go straight to b's stack.
  auto b = Make("sip:alice@example.org", {net::Transport::kUdp, "127.0.0.1", 1});
  auto a = Make("sip:iwf@example.org", b->stack().LocalEndpoint(net::Transport::kTcp));
  std::promise<ReceivedMessage> got;
  int calls = 0;
  b->SetMessageHandler([&](const ReceivedMessage& m) -> Status {
    if (calls++ == 0) got.set_value(m);
    return Ok();
  });
  mc::MessageId id{};
  id[3] = 3;
  mc::SecurityMessageRequest req{
      "sip:alice@example.org", "sip:iwf@example.org", mc::LmrType::kP25, {1, 2, 3}, id};
  auto send = [&](mc::InterworkingMessage m) {
    std::promise<Result<SendOutcome>> p;
    a->Send("sip:alice@example.org", std::move(m), [&](Result<SendOutcome> r) { p.set_value(r); });
    return p.get_future().get();
  };
  auto r = send(req);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, 200);
  auto m = got.get_future().get();
  EXPECT_EQ(m.from, "sip:iwf@example.org");
  EXPECT_EQ(std::get<mc::SecurityMessageRequest>(std::get<SecurityMessageBody>(m.body).message),
            req);
  // The same message ID again: 200, not dispatched again.
  auto again = send(req);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(calls, 1);
}

TEST(McEndpoint, HandlerRefusalBecomesTheSipStatus) {
  auto b = Make("sip:alice@example.org", {net::Transport::kUdp, "127.0.0.1", 1});
  auto a = Make("sip:iwf@example.org", b->stack().LocalEndpoint(net::Transport::kUdp));
  b->SetMessageHandler(
      [](const ReceivedMessage&) -> Status { return Fail(Error::Unauthorised("not for us")); });
  std::promise<Result<SendOutcome>> p;
  a->Send("sip:alice@example.org",
          mc::SecurityMessageRequest{
              "sip:alice@example.org", "sip:iwf@example.org", mc::LmrType::kP25, {9}, std::nullopt},
          [&](Result<SendOutcome> r) { p.set_value(r); });
  auto r = p.get_future().get();
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, 403);
  EXPECT_NE(r->reason.find("not for us"), std::string::npos);
}

TEST(McEndpoint, RefusesABadIdentity) {
  McEndpointConfig c;
  c.identity = "alice";
  EXPECT_FALSE(McEndpoint::Start(std::move(c)));
}

}  // namespace
}  // namespace kb::mc_endpoint
