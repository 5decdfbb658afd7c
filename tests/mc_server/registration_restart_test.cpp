// RFC 3261 10.3 bindings of the TS 23.283 10.12 MC service server across a restart
// (docs/mc-server.md "Registrations across a restart"): with a registration store, a client
// registered before the server went away gets messages from the new server without registering
// again; an expired or unregistered binding is not restored; without a store nothing is.
#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "mc_endpoint/mc_endpoint.h"
#include "mc_endpoint/security_message_sip.h"
#include "mc_server/mc_server.h"
#include "mc_server/memory_message_store.h"
#include "mc_server/registration_store.h"

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

struct Inbox {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Bytes> payloads;
  Status Add(const ReceivedMessage& m) {
    const auto& b = std::get<mc_endpoint::SecurityMessageBody>(m.body);
    std::lock_guard l(mu);
    payloads.push_back(std::get<mc::SecurityMessageRequest>(b.message).payload);
    cv.notify_all();
    return Ok();
  }
  bool WaitFor(size_t n) {
    std::unique_lock l(mu);
    return cv.wait_for(l, 5s, [&] { return payloads.size() >= n; });
  }
};

class RegistrationRestartTest : public ::testing::Test {
 protected:
  void TearDown() override {
    endpoints_.clear();
    server_.reset();
    stack_.reset();
  }

  // (Re)starts the server on `port` (0: a new one) with the given registration store.
  void StartServer(uint16_t port, RegistrationStore* registrations) {
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
    c.redelivery = 50ms;
    server_ = std::make_unique<McServer>(
        c,
        [](std::string_view user) -> std::optional<SecretBytes> {
          return SecretBytes(AsBytes(std::string(user) + "-pw"));
        },
        [](std::string_view) { return true; }, messages_, *stack_);
    server_->SetRegistrationStore(registrations);
    ASSERT_TRUE(server_->Start());
  }

  McEndpoint* Endpoint(const std::string& user, Inbox* inbox) {
    mc_endpoint::McEndpointConfig c;
    c.identity = "sip:" + user + "@example.org";
    c.password = SecretBytes(AsBytes(user + "@example.org-pw"));
    c.server = stack_->LocalEndpoint(net::Transport::kTcp);
    c.stack = FastStack();
    auto e = McEndpoint::Start(std::move(c));
    EXPECT_TRUE(e);
    McEndpoint* raw = e->get();
    if (inbox) raw->SetMessageHandler([inbox](const ReceivedMessage& m) { return inbox->Add(m); });
    raw->Register();
    EXPECT_TRUE(raw->WaitRegistered(5s));
    endpoints_.push_back(std::move(*e));
    return raw;
  }

  // Sends from the IWF to carol; the IWF's own registration does not survive the restart over
  // TCP (a new connection is a new flow), so a first 403 makes it register again.
  int SendToCarol(McEndpoint* iwf, uint8_t n) {
    mc::SecurityMessageRequest m{
        "sip:carol@example.org", "sip:iwf@example.org", mc::LmrType::kP25, {n}, std::nullopt};
    for (int attempt = 0; attempt < 3; ++attempt) {
      std::promise<Result<mc_endpoint::SendOutcome>> p;
      iwf->Send("sip:carol@example.org", m, [&](auto r) { p.set_value(r); });
      auto r = p.get_future().get();
      if (r && r->status != 403) return r->status;
      (void)iwf->WaitRegistered(5s);
    }
    return 0;
  }

  uint64_t Counter(const std::string& name) { return server_->Counters()[name]; }

  MemoryMessageStore messages_;
  std::unique_ptr<net::SipStack> stack_;
  std::unique_ptr<McServer> server_;
  std::vector<std::unique_ptr<McEndpoint>> endpoints_;
};

TEST_F(RegistrationRestartTest, ClientRegisteredBeforeARestartGetsMessagesAtOnce) {
  MemoryRegistrationStore registrations;
  StartServer(0, &registrations);
  Inbox carol;
  Endpoint("carol", &carol);
  McEndpoint* iwf = Endpoint("iwf", nullptr);
  auto stored = registrations.Load(0);
  ASSERT_TRUE(stored);
  ASSERT_EQ(stored->size(), 2u);
  EXPECT_EQ((*stored)[0].aor, "sip:carol@example.org");
  EXPECT_EQ((*stored)[0].flow.transport, net::Transport::kTcp);
  EXPECT_GT((*stored)[0].expires_at, 0);

  uint16_t port = stack_->tcp_port();
  StartServer(port, &registrations);
  EXPECT_EQ(Counter("registered_contacts"), 2u);
  // Delivered straight to carol's stored contact (200, cut-through), not stored for later.
  EXPECT_EQ(SendToCarol(iwf, 7), 200);
  ASSERT_TRUE(carol.WaitFor(1));
  EXPECT_EQ(carol.payloads[0], Bytes{7});
  EXPECT_EQ(*messages_.PendingCount(), 0u);
  // Only the IWF registered with the new server; carol did not need to.
  EXPECT_EQ(Counter("registrations"), 1u);
}

TEST_F(RegistrationRestartTest, StoredMessagesGoOutAtStartToARestoredContact) {
  MemoryRegistrationStore registrations;
  StartServer(0, &registrations);
  Inbox carol;
  Endpoint("carol", &carol);
  uint16_t port = stack_->tcp_port();
  server_.reset();
  // A message accepted by the old server while carol was unreachable (in the store).
  StoredMessage m;
  m.target = "sip:carol@example.org";
  m.sender = "sip:iwf@example.org";
  m.message_id[0] = 1;
  m.kind = "request";
  auto body = mc_endpoint::BuildSecurityMessageBody(
      {"sip:carol@example.org", "sip:iwf@example.org"},
      mc::SecurityMessageRequest{
          "sip:carol@example.org", "sip:iwf@example.org", mc::LmrType::kP25, {9}, m.message_id});
  ASSERT_TRUE(body);
  m.body = EncodeStoredBody(*body);
  std::vector<StoredMessage> batch{m};
  ASSERT_TRUE(messages_.Append(batch));
  StartServer(port, &registrations);
  ASSERT_TRUE(carol.WaitFor(1));
  EXPECT_EQ(carol.payloads[0], Bytes{9});
}

TEST_F(RegistrationRestartTest, ExpiredAndUnregisteredBindingsAreNotRestored) {
  MemoryRegistrationStore registrations;
  StartServer(0, &registrations);
  McEndpoint* carol = Endpoint("carol", nullptr);
  std::promise<Status> done;
  carol->Unregister([&](Status st) { done.set_value(st); });
  ASSERT_TRUE(done.get_future().get());
  EXPECT_TRUE(registrations.Load(0)->empty());
  // A binding that has expired by the time the server starts again.
  StoredBinding old{"sip:dave@example.org",
                    "sip:dave@127.0.0.1:1;transport=tcp",
                    "c1",
                    1,
                    {net::Transport::kTcp, "127.0.0.1", 1},
                    1};
  ASSERT_TRUE(registrations.Replace(old.aor, std::span(&old, 1)));
  StartServer(0, &registrations);
  EXPECT_EQ(Counter("registered_contacts"), 0u);
  EXPECT_TRUE(registrations.Load(0)->empty());
}

TEST_F(RegistrationRestartTest, WithoutAStoreTheTargetIsOfflineAfterARestart) {
  StartServer(0, nullptr);
  Inbox carol;
  Endpoint("carol", &carol);
  McEndpoint* iwf = Endpoint("iwf", nullptr);
  StartServer(stack_->tcp_port(), nullptr);
  EXPECT_EQ(SendToCarol(iwf, 7), 202);  // stored until carol registers again
  EXPECT_EQ(*messages_.PendingCount(), 1u);
}

}  // namespace
}  // namespace kb::mc_server
