// docs/mc-server.md "GMS": the group management server as an authorised sender. GMK deliveries
// (docs/gms.md "Delivery", one application/vnd.keybridge.gmk-delivery body) from a registered
// GMS pass the MC service server to an online client unchanged, are stored for an offline one,
// and are refused when they name another recipient, come from a sender that is not the GMS, or
// when the GMS sends anything else.
#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>

#include "gms/gmk_delivery_body.h"
#include "mc_endpoint/mc_endpoint.h"
#include "mc_server/mc_server.h"
#include "mc_server/memory_message_store.h"
#include "net/register_client.h"
#include "net/sip_multipart.h"

namespace kb::mc_server {
namespace {

using namespace std::chrono_literals;

net::SipStackConfig FastStack() {
  net::SipStackConfig c;
  c.t1 = 10ms;
  c.t2 = 40ms;
  c.t4 = 20ms;
  c.enable_udp = false;
  return c;
}

SecretBytes Password(std::string_view user) {
  return SecretBytes(AsBytes(std::string(user) + "-pw"));
}

// A plain SIP UA (the GMS, or a client that takes any MESSAGE) registered with the server.
struct Ua {
  std::unique_ptr<net::SipStack> stack;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<net::SipMessage> got;

  Ua() {
    auto s = net::SipStack::Start(FastStack());
    EXPECT_TRUE(s);
    stack = std::move(*s);
    stack->SetRequestHandler([this](std::shared_ptr<net::IncomingRequest> in) {
      {
        std::lock_guard l(mu);
        got.push_back(in->request().Clone());
        cv.notify_all();
      }
      in->Respond(200, "OK");
    });
  }
  bool WaitFor(size_t n) {
    std::unique_lock l(mu);
    return cv.wait_for(l, 5s, [&] { return got.size() >= n; });
  }
  int Register(const std::string& user, net::SipEndpoint server) {
    net::RegistrationRequest r;
    r.aor = "sip:" + user + "@example.org";
    r.contact =
        "sip:" + user + "@127.0.0.1:" + std::to_string(stack->tcp_port()) + ";transport=tcp";
    r.password = Password(user + "@example.org");
    r.registrar = server;
    std::promise<Result<net::SipMessage>> p;
    net::Register(*stack, std::move(r),
                  [&](Result<net::SipMessage> res) { p.set_value(std::move(res)); });
    auto res = p.get_future().get();
    return res ? res->StatusCode() : 0;
  }
  net::SipMessage Send(net::SipMessage m, net::SipEndpoint server) {
    std::promise<Result<net::SipMessage>> p;
    stack->SendRequest(std::move(m), server,
                       [&](Result<net::SipMessage> res) { p.set_value(std::move(res)); });
    auto res = p.get_future().get();
    EXPECT_TRUE(res) << res.error().message();
    return std::move(*res);
  }
  // A MESSAGE as role_gms sends it.
  net::SipMessage Message(const std::string& from, const std::string& to,
                          std::string_view content_type, std::string_view body) {
    auto m = stack->NewRequest("MESSAGE", to, to, from);
    EXPECT_TRUE(m);
    EXPECT_TRUE(m->SetBody(content_type, AsBytes(body)));
    return std::move(*m);
  }
};

std::string Delivery(const std::string& recipient, uint64_t revision) {
  gms::KeyDelivery d;
  d.group_id = "sip:fire@example.org";
  d.recipient = recipient;
  d.gmk_id = 0x001c95c7;
  d.guk_id = 0x0b41df24;
  d.revision = revision;
  d.i_message = Bytes{0x01, 0x00, 0x1a, 0x05, 0xff};
  return gms::EncodeGmkDelivery(d);
}

class GmsSenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto stack = net::SipStack::Start(FastStack());
    ASSERT_TRUE(stack);
    stack_ = std::move(*stack);
    McServerConfig c;
    c.entities = {{"sip:iwf@example.org", EntityKind::kIwf},
                  {"sip:gms@example.org", EntityKind::kGms}};
    c.redelivery = 50ms;
    auto lookup = [](std::string_view user) -> std::optional<SecretBytes> {
      return Password(user);
    };
    auto known = [](std::string_view aor) { return aor != "sip:nobody@example.org"; };
    server_ = std::make_unique<McServer>(c, lookup, known, store_, *stack_);
    ASSERT_TRUE(server_->Start());
    at_ = stack_->LocalEndpoint(net::Transport::kTcp);
  }
  void TearDown() override {
    server_.reset();
    stack_.reset();
  }

  MemoryMessageStore store_;
  std::unique_ptr<net::SipStack> stack_;
  std::unique_ptr<McServer> server_;
  net::SipEndpoint at_;
};

TEST(GmsEntityKind, Parses) {
  EXPECT_EQ(*ParseEntityKind("gms"), EntityKind::kGms);
  EXPECT_FALSE(ParseEntityKind("GMS"));
}

TEST_F(GmsSenderTest, DeliveriesPassToOnlineAndOfflineClients) {
  Ua gms, alice, carol, iwf;
  ASSERT_EQ(gms.Register("gms", at_), 200);
  ASSERT_EQ(alice.Register("alice", at_), 200);
  ASSERT_EQ(iwf.Register("iwf", at_), 200);

  // Online: cut through, the body arrives unchanged as a single body.
  std::string to_alice = Delivery("sip:alice@example.org", 1);
  auto r = gms.Send(gms.Message("sip:gms@example.org", "sip:alice@example.org",
                                gms::kGmkDeliveryContentType, to_alice),
                    at_);
  EXPECT_EQ(r.StatusCode(), 200) << r.ReasonPhrase();
  ASSERT_TRUE(alice.WaitFor(1));
  {
    std::lock_guard l(alice.mu);
    EXPECT_EQ(alice.got[0].FromUri(), "sip:gms@example.org");
    EXPECT_EQ(alice.got[0].ContentType(), gms::kGmkDeliveryContentType);
    EXPECT_EQ(alice.got[0].Body(), ToBytes(to_alice));
  }
  // The IWF is a GMK recipient too (an entity target).
  r = gms.Send(gms.Message("sip:gms@example.org", "sip:iwf@example.org",
                           gms::kGmkDeliveryContentType, Delivery("sip:iwf@example.org", 1)),
               at_);
  EXPECT_EQ(r.StatusCode(), 200) << r.ReasonPhrase();
  ASSERT_TRUE(iwf.WaitFor(1));

  // Offline: stored (202), a resend of the same delivery is a duplicate, delivered on register.
  std::string to_carol = Delivery("sip:carol@example.org", 2);
  for (int expect : {202, 200}) {
    r = gms.Send(gms.Message("sip:gms@example.org", "sip:carol@example.org",
                             gms::kGmkDeliveryContentType, to_carol),
                 at_);
    EXPECT_EQ(r.StatusCode(), expect) << r.ReasonPhrase();
  }
  ASSERT_EQ(carol.Register("carol", at_), 200);
  ASSERT_TRUE(carol.WaitFor(1));
  {
    std::lock_guard l(carol.mu);
    EXPECT_EQ(carol.got[0].ContentType(), gms::kGmkDeliveryContentType);
    EXPECT_EQ(carol.got[0].Body(), ToBytes(to_carol));
  }
  auto c = server_->Counters();
  EXPECT_EQ(c["accepted"], 3u);
  EXPECT_EQ(c["duplicates"], 1u);
  EXPECT_EQ(c.count("refused"), 0u);
}

TEST_F(GmsSenderTest, WrongRecipientWrongSenderAndOtherBodiesAreRefused) {
  Ua gms, alice, iwf, bob;
  ASSERT_EQ(gms.Register("gms", at_), 200);
  ASSERT_EQ(alice.Register("alice", at_), 200);
  ASSERT_EQ(iwf.Register("iwf", at_), 200);
  ASSERT_EQ(bob.Register("bob", at_), 200);
  auto send = [&](Ua& from, const std::string& from_uri, std::string_view ct,
                  std::string_view body) {
    return from.Send(from.Message(from_uri, "sip:alice@example.org", ct, body), at_).StatusCode();
  };
  // The delivery names bob but goes to alice.
  EXPECT_EQ(send(gms, "sip:gms@example.org", gms::kGmkDeliveryContentType,
                 Delivery("sip:bob@example.org", 1)),
            400);
  // Not a GMK delivery.
  EXPECT_EQ(send(gms, "sip:gms@example.org", gms::kGmkDeliveryContentType, "group-id: x\r\n"), 400);
  EXPECT_EQ(send(gms, "sip:gms@example.org", "text/plain", "hello"), 415);
  // A GMK delivery from the IWF or from a client is not the GMS's.
  EXPECT_NE(send(iwf, "sip:iwf@example.org", gms::kGmkDeliveryContentType,
                 Delivery("sip:alice@example.org", 1)) /
                100,
            2);
  EXPECT_EQ(send(bob, "sip:bob@example.org", gms::kGmkDeliveryContentType,
                 Delivery("sip:alice@example.org", 1)),
            403);
  // A GMS that is not registered on this flow.
  Ua rogue;
  EXPECT_EQ(send(rogue, "sip:gms@example.org", gms::kGmkDeliveryContentType,
                 Delivery("sip:alice@example.org", 1)),
            403);
  EXPECT_TRUE(alice.got.empty());
  auto c = server_->Counters();
  EXPECT_EQ(c["refused"], 6u);
  EXPECT_EQ(c.count("accepted"), 0u);
}

}  // namespace
}  // namespace kb::mc_server
