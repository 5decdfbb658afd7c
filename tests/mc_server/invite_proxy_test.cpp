// RFC 3261 12-16 call setup through the MC service server (docs/mc-server.md "Calls through the
// server"): INVITE routing and caller authentication, and the back-to-back user agent over real
// SIP stacks on 127.0.0.1.
#include "mc_server/invite_proxy.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>

#include "net/sip_dialog.h"

namespace kb::mc_server {
namespace {

using namespace std::chrono_literals;

InviteRouter MakeRouter() {
  return InviteRouter({{"sip:fire@Example.ORG", "sip:iwf@example.org"},
                       {"sip:water@example.org", "sip:iwf2@example.org"}},
                      [](std::string_view aor) {
                        return aor == "sip:alice@example.org" || aor == "sip:bob@example.org";
                      });
}

auto Registered(std::initializer_list<std::string> aors) {
  std::vector<std::string> list(aors);
  return [list](const std::string& aor) {
    return std::find(list.begin(), list.end(), aor) != list.end();
  };
}

TEST(InviteRouter, GroupCallGoesToTheGroupsIwf) {
  auto r = MakeRouter().Route("sip:alice@example.org", "sip:fire@example.org", true,
                              Registered({"sip:iwf@example.org"}));
  ASSERT_TRUE(r) << r.error().reason;
  EXPECT_TRUE(r->group_call);
  EXPECT_EQ(r->caller, "sip:alice@example.org");
  EXPECT_EQ(r->target, "sip:fire@example.org");  // canonical (host case)
  EXPECT_EQ(r->deliver, "sip:iwf@example.org");
}

TEST(InviteRouter, PrivateCallGoesToTheUser) {
  auto r = MakeRouter().Route("sip:iwf@example.org", "sip:alice@example.org", true,
                              Registered({"sip:alice@example.org"}));
  ASSERT_TRUE(r) << r.error().reason;
  EXPECT_FALSE(r->group_call);
  EXPECT_EQ(r->deliver, "sip:alice@example.org");
}

TEST(InviteRouter, Refusals) {
  auto router = MakeRouter();
  auto all = Registered({"sip:iwf@example.org", "sip:alice@example.org"});
  // The caller is checked first: a From that is not registered on this flow (spoofed).
  auto spoofed = router.Route("sip:alice@example.org", "sip:fire@example.org", false, all);
  ASSERT_FALSE(spoofed);
  EXPECT_EQ(spoofed.error().status, 403);
  EXPECT_EQ(spoofed.error().counter, "invite_refused_spoofed");
  EXPECT_NE(spoofed.error().reason.find("caller sip:alice@example.org is not registered"),
            std::string::npos);
  auto unknown = router.Route("sip:alice@example.org", "sip:nowhere@example.org", true, all);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().status, 404);
  EXPECT_NE(unknown.error().reason.find("sip:nowhere@example.org"), std::string::npos);
  auto no_iwf = router.Route("sip:alice@example.org", "sip:water@example.org", true, all);
  ASSERT_FALSE(no_iwf);
  EXPECT_EQ(no_iwf.error().status, 480);
  EXPECT_NE(no_iwf.error().reason.find("the IWF sip:iwf2@example.org"), std::string::npos);
  auto no_user = router.Route("sip:iwf@example.org", "sip:bob@example.org", true, all);
  ASSERT_FALSE(no_user);
  EXPECT_EQ(no_user.error().status, 480);
  EXPECT_NE(no_user.error().reason.find("sip:bob@example.org is not registered"),
            std::string::npos);
  auto garbage = router.Route("not a uri", "sip:fire@example.org", true, all);
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().status, 403);
}

net::SipStackConfig Fast() {
  net::SipStackConfig c;
  c.t1 = 10ms;
  c.enable_tcp = false;
  return c;
}

// Server, caller (alice) and callee (the IWF) stacks; the hooks stand in for the registrar.
class InviteProxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::move(*net::SipStack::Start(Fast()));
    alice_ = std::move(*net::SipStack::Start(Fast()));
    iwf_ = std::move(*net::SipStack::Start(Fast()));
    InviteProxy::Hooks hooks;
    uint16_t alice_port = alice_->udp_port();
    hooks.registered_from = [alice_port](const std::string& aor, const net::SipEndpoint& src) {
      return aor == "sip:alice@example.org" && src.port == alice_port;
    };
    net::SipEndpoint iwf_ep = iwf_->LocalEndpoint(net::Transport::kUdp);
    hooks.contacts = [iwf_ep](const std::string& aor) {
      std::vector<CallContact> out;
      if (aor == "sip:iwf@example.org")
        out.push_back({fmt::format("sip:iwf@127.0.0.1:{}", iwf_ep.port), iwf_ep});
      return out;
    };
    hooks.count = [this](const std::string& c) {
      std::lock_guard lock(mu_);
      ++counts_[c];
    };
    proxy_ = std::make_shared<InviteProxy>(MakeRouter(), std::move(hooks), *server_);
    proxy_->Install();
  }
  void TearDown() override {
    proxy_->Uninstall();
    alice_.reset();
    iwf_.reset();
    server_.reset();
  }
  Result<net::SipMessage> Invite(std::string_view from, std::string_view body = "v=0\r\n") {
    auto invite =
        alice_->NewRequest("INVITE", "sip:fire@example.org", "sip:fire@example.org", from);
    EXPECT_TRUE(invite);
    EXPECT_TRUE(invite->SetBody("application/sdp", AsBytes(body)));
    auto done = std::make_shared<std::promise<Result<net::SipMessage>>>();
    auto f = done->get_future();
    alice_->SendInvite(std::move(*invite), server_->LocalEndpoint(net::Transport::kUdp),
                       [done](Result<net::SipMessage> r) {
                         if (r && r->StatusCode() < 200) return;
                         done->set_value(std::move(r));
                       });
    EXPECT_EQ(f.wait_for(5s), std::future_status::ready);
    return f.get();
  }
  int Count(const std::string& c) {
    std::lock_guard lock(mu_);
    return counts_[c];
  }

  std::unique_ptr<net::SipStack> server_, alice_, iwf_;
  std::shared_ptr<InviteProxy> proxy_;
  std::mutex mu_;
  std::map<std::string, int> counts_;
};

TEST_F(InviteProxyTest, GroupCallRelayedWithBodiesAndByeBothWays) {
  std::promise<std::string> seen;  // what the IWF received: Request-URI, From, body
  std::promise<void> bye;
  iwf_->SetInviteHandler([&](std::shared_ptr<net::IncomingRequest> in) {
    const auto& rq = in->request();
    seen.set_value(rq.RequestUri() + "|" + rq.FromUri() + "|" + std::string(AsString(rq.Body())));
    auto ok = net::SipMessage::ResponseTo(rq, 200, "OK");
    ASSERT_TRUE(ok);
    ASSERT_TRUE(ok->SetBody("application/sdp", AsBytes(std::string_view("v=0 answer\r\n"))));
    in->Respond(std::move(*ok));
  });
  iwf_->SetDialogHandler([&](const net::DialogEvent& e) {
    if (e.kind == net::DialogEvent::Kind::kByeReceived) bye.set_value();
  });
  auto r = Invite("sip:alice@example.org", "v=0 offer\r\n");
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->StatusCode(), 200);
  EXPECT_EQ(std::string(AsString(r->Body())), "v=0 answer\r\n");
  auto f = seen.get_future();
  ASSERT_EQ(f.wait_for(2s), std::future_status::ready);
  EXPECT_EQ(f.get(), "sip:fire@example.org|sip:alice@example.org|v=0 offer\r\n");
  // Both legs exist until alice hangs up; her BYE reaches the IWF through the server.
  for (int i = 0; i < 100 && proxy_->active_calls() == 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(proxy_->active_calls(), 1u);
  std::promise<int> bye_status;
  alice_->SendBye(net::ResponseDialogId(*r), [&](Result<net::SipMessage> b) {
    bye_status.set_value(b ? b->StatusCode() : 0);
  });
  EXPECT_EQ(bye_status.get_future().get(), 200);
  EXPECT_EQ(bye.get_future().wait_for(2s), std::future_status::ready);
  EXPECT_EQ(proxy_->active_calls(), 0u);
  EXPECT_EQ(Count("calls_connected"), 1);
  EXPECT_EQ(Count("calls_ended"), 1);
}

TEST_F(InviteProxyTest, CalleeRefusalAndServerRefusalsReachTheCaller) {
  std::atomic<int> invites_at_iwf{0};
  iwf_->SetInviteHandler([&](std::shared_ptr<net::IncomingRequest> in) {
    ++invites_at_iwf;
    in->Respond(488, "Not Acceptable Here: LMR encryption algorithm 0x81 not supported");
  });
  auto refused = Invite("sip:alice@example.org");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->StatusCode(), 488);
  EXPECT_EQ(refused->ReasonPhrase(),
            "Not Acceptable Here: LMR encryption algorithm 0x81 not supported");
  // bob's From from alice's flow: refused by the server, the IWF never sees it.
  auto spoofed = Invite("sip:bob@example.org");
  ASSERT_TRUE(spoofed);
  EXPECT_EQ(spoofed->StatusCode(), 403);
  EXPECT_EQ(invites_at_iwf, 1);
  EXPECT_EQ(Count("invite_refused_spoofed"), 1);
  EXPECT_EQ(proxy_->active_calls(), 0u);
}

}  // namespace
}  // namespace kb::mc_server
