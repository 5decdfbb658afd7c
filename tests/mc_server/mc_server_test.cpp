// TS 23.283 10.12 MC service server in one process on loopback: McEndpoints register with
// Digest, messages are relayed both ways, stored for an offline client and delivered in order
// when it registers; refusals are counted.
#include "mc_server/mc_server.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "mc_endpoint/mc_endpoint.h"
#include "mc_server/memory_message_store.h"

namespace kb::mc_server {
namespace {

using namespace std::chrono_literals;
using mc_endpoint::McEndpoint;
using mc_endpoint::ReceivedMessage;

net::SipStackConfig FastStack() {
  net::SipStackConfig c;
  c.t1 = 10ms;
  c.t2 = 40ms;
  c.t4 = 20ms;
  return c;
}

// Collects what an endpoint receives.
struct Inbox {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<ReceivedMessage> got;
  Status Add(const ReceivedMessage& m) {
    std::lock_guard l(mu);
    got.push_back(m);
    cv.notify_all();
    return Ok();
  }
  bool WaitFor(size_t n) {
    std::unique_lock l(mu);
    return cv.wait_for(l, 5s, [&] { return got.size() >= n; });
  }
};

class McServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto stack = net::SipStack::Start(FastStack());
    ASSERT_TRUE(stack);
    stack_ = std::move(*stack);
    McServerConfig c;
    c.entities = {{"sip:iwf@example.org", EntityKind::kIwf}};
    c.max_payload = 64;
    c.redelivery = 50ms;
    auto lookup = [](std::string_view user) -> std::optional<SecretBytes> {
      return SecretBytes(AsBytes(std::string(user) + "-pw"));
    };
    auto known = [](std::string_view aor) { return aor != "sip:nobody@example.org"; };
    server_ = std::make_unique<McServer>(c, lookup, known, store_, *stack_);
    ASSERT_TRUE(server_->Start());
  }
  void TearDown() override {
    endpoints_.clear();
    server_.reset();
    stack_.reset();
  }

  McEndpoint* Endpoint(const std::string& user, Inbox* inbox, bool reg = true) {
    mc_endpoint::McEndpointConfig c;
    c.identity = "sip:" + user + "@example.org";
    c.password = SecretBytes(AsBytes(user + "@example.org-pw"));
    c.server = stack_->LocalEndpoint(net::Transport::kTcp);
    c.stack = FastStack();
    auto e = McEndpoint::Start(std::move(c));
    EXPECT_TRUE(e);
    McEndpoint* raw = e->get();
    if (inbox) raw->SetMessageHandler([inbox](const ReceivedMessage& m) { return inbox->Add(m); });
    if (reg) {
      raw->Register();
      EXPECT_TRUE(raw->WaitRegistered(5s));
    }
    endpoints_.push_back(std::move(*e));
    return raw;
  }

  static mc_endpoint::SendOutcome Send(McEndpoint* from, std::string to,
                                       mc::InterworkingMessage m) {
    std::promise<Result<mc_endpoint::SendOutcome>> p;
    from->Send(std::move(to), std::move(m),
               [&](Result<mc_endpoint::SendOutcome> r) { p.set_value(r); });
    auto r = p.get_future().get();
    EXPECT_TRUE(r) << r.error().message();
    return r ? *r : mc_endpoint::SendOutcome{};
  }

  static mc::SecurityMessageRequest ToClient(const std::string& user, uint8_t n) {
    return {"sip:" + user + "@example.org",
            "sip:iwf@example.org",
            mc::LmrType::kP25,
            {n},
            std::nullopt};
  }

  MemoryMessageStore store_;
  std::unique_ptr<net::SipStack> stack_;
  std::unique_ptr<McServer> server_;
  std::vector<std::unique_ptr<McEndpoint>> endpoints_;
};

TEST_F(McServerTest, RelaysBothWaysToEveryContact) {
  Inbox iwf_in, a1, a2;
  McEndpoint* iwf = Endpoint("iwf", &iwf_in);
  Endpoint("alice", &a1);
  McEndpoint* alice2 = Endpoint("alice", &a2);
  EXPECT_EQ(Send(iwf, "sip:alice@example.org", ToClient("alice", 1)).status, 200);  // cut through
  ASSERT_TRUE(a1.WaitFor(1));
  ASSERT_TRUE(a2.WaitFor(1));
  EXPECT_EQ(a1.got[0].from, "sip:iwf@example.org");
  std::promise<Result<mc_endpoint::SendOutcome>> p;
  alice2->SendResponse(a2.got[0], [&](auto r) { p.set_value(r); });
  ASSERT_TRUE(p.get_future().get());
  ASSERT_TRUE(iwf_in.WaitFor(1));
  EXPECT_STREQ(mc_endpoint::MessageKindName(iwf_in.got[0].body), "response");
  auto c = server_->Counters();
  EXPECT_EQ(c["accepted"], 2u);
  EXPECT_EQ(c["registered_contacts"], 3u);
}

TEST_F(McServerTest, OfflineClientGetsStoredMessagesInOrder) {
  McEndpoint* iwf = Endpoint("iwf", nullptr);
  for (uint8_t n = 1; n <= 5; ++n) {
    EXPECT_EQ(Send(iwf, "sip:carol@example.org", ToClient("carol", n)).status, 202);
  }
  EXPECT_EQ(*store_.PendingCount(), 5u);
  Inbox carol;
  Endpoint("carol", &carol);
  ASSERT_TRUE(carol.WaitFor(5));
  for (uint8_t n = 1; n <= 5; ++n) {
    const auto& b = std::get<mc_endpoint::SecurityMessageBody>(carol.got[n - 1].body);
    EXPECT_EQ(std::get<mc::SecurityMessageRequest>(b.message).payload, Bytes{n});
  }
  for (int i = 0; i < 100 && *store_.PendingCount() != 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(*store_.PendingCount(), 0u);
}

// A target that refuses a message for good (a 4xx other than 408/480) does not block the
// messages behind it: stored ones are marked done, cut-through ones get the target's answer.
TEST_F(McServerTest, FinalRefusalByTheTargetDoesNotBlockLaterMessages) {
  McEndpoint* iwf = Endpoint("iwf", nullptr);
  for (uint8_t n = 1; n <= 3; ++n) {
    EXPECT_EQ(Send(iwf, "sip:carol@example.org", ToClient("carol", n)).status, 202);
  }
  Inbox carol;
  McEndpoint* c = Endpoint("carol", nullptr, false);
  c->SetMessageHandler([&carol](const ReceivedMessage& m) -> Status {
    const auto& b = std::get<mc_endpoint::SecurityMessageBody>(m.body);
    if (std::get<mc::SecurityMessageRequest>(b.message).payload == Bytes{1}) {
      return Fail(Error::NotFound("no such radio"));
    }
    return carol.Add(m);
  });
  c->Register();
  ASSERT_TRUE(c->WaitRegistered(5s));
  ASSERT_TRUE(carol.WaitFor(2));
  EXPECT_EQ(std::get<mc::SecurityMessageRequest>(
                std::get<mc_endpoint::SecurityMessageBody>(carol.got[0].body).message)
                .payload,
            Bytes{2});
  for (int i = 0; i < 100 && *store_.PendingCount() != 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(*store_.PendingCount(), 0u);

  // Cut through: the sender hears the target's refusal, and the next message still goes.
  auto refused = Send(iwf, "sip:carol@example.org", ToClient("carol", 1));
  EXPECT_EQ(refused.status, 404);
  EXPECT_NE(refused.reason.find("refused by the target"), std::string::npos) << refused.reason;
  EXPECT_EQ(Send(iwf, "sip:carol@example.org", ToClient("carol", 4)).status, 200);
  ASSERT_TRUE(carol.WaitFor(3));
  EXPECT_EQ(server_->Counters()["refused_by_target"], 2u);
}

TEST_F(McServerTest, RefusalsAreCountedAndNothingIsRelayed) {
  Inbox iwf_in;
  McEndpoint* iwf = Endpoint("iwf", &iwf_in);
  McEndpoint* bob = Endpoint("bob", nullptr);
  McEndpoint* eve = Endpoint("eve", nullptr, /*reg=*/false);
  EXPECT_EQ(Send(iwf, "sip:nobody@example.org", ToClient("nobody", 1)).status, 404);
  EXPECT_EQ(
      Send(bob, "sip:iwf@example.org",
           mc::SecurityMessageRequest{
               "sip:alice@example.org", "sip:iwf@example.org", std::nullopt, {1}, std::nullopt})
          .status,
      403);
  EXPECT_EQ(Send(bob, "sip:alice@example.org", ToClient("bob", 1)).status, 403);
  auto nr =
      Send(eve, "sip:iwf@example.org",
           mc::SecurityMessageRequest{
               "sip:eve@example.org", "sip:iwf@example.org", std::nullopt, {1}, std::nullopt});
  EXPECT_EQ(nr.status, 403);
  EXPECT_TRUE(nr.reason.starts_with(mc_endpoint::kNotRegisteredReason));
  EXPECT_EQ(Send(bob, "sip:iwf@example.org",
                 mc::SecurityMessageRequest{"sip:bob@example.org", "sip:iwf@example.org",
                                            std::nullopt, Bytes(65, 0), std::nullopt})
                .status,
            413);
  auto c = server_->Counters();
  EXPECT_EQ(c["refused"], 5u);
  EXPECT_EQ(c["refused_unknown_target"], 1u);
  EXPECT_EQ(c["refused_spoofed_sender"], 1u);
  EXPECT_EQ(c["refused_not_entity"], 1u);
  EXPECT_EQ(c["refused_oversized"], 1u);
  EXPECT_EQ(c.count("accepted"), 0u);
  EXPECT_TRUE(iwf_in.got.empty());
}

TEST_F(McServerTest, EndpointRegistersAgainAfterServerRestart) {
  Inbox iwf_in;
  McEndpoint* iwf = Endpoint("iwf", &iwf_in);
  McEndpoint* bob = Endpoint("bob", nullptr);
  uint16_t port = stack_->tcp_port();
  // The server goes away with its registrations and comes back on the same port.
  server_.reset();
  stack_.reset();
  auto config = FastStack();
  config.tcp_port = port;
  config.enable_udp = false;
  auto stack = net::SipStack::Start(config);
  ASSERT_TRUE(stack) << stack.error().message();
  stack_ = std::move(*stack);
  McServerConfig c;
  c.entities = {{"sip:iwf@example.org", EntityKind::kIwf}};
  server_ = std::make_unique<McServer>(
      c,
      [](std::string_view user) -> std::optional<SecretBytes> {
        return SecretBytes(AsBytes(std::string(user) + "-pw"));
      },
      [](std::string_view) { return true; }, store_, *stack_);
  ASSERT_TRUE(server_->Start());
  mc::SecurityMessageRequest up{
      "sip:bob@example.org", "sip:iwf@example.org", std::nullopt, {7}, std::nullopt};
  // The first send finds no registration (403)
  // (or the old connection fails first); the endpoint registers again by itself.
  std::promise<Result<mc_endpoint::SendOutcome>> p;
  bob->Send("sip:iwf@example.org", up, [&](auto r) { p.set_value(r); });
  auto first = p.get_future().get();
  EXPECT_TRUE(!first || first->status == 403);
  ASSERT_TRUE(bob->WaitRegistered(5s));
  (void)iwf;
  // The IWF is offline for the new server until its own refresh: the message is stored.
  EXPECT_EQ(Send(bob, "sip:iwf@example.org", up).status, 202);
}

}  // namespace
}  // namespace kb::mc_server
