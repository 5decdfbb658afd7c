// RFC 3261 over real sockets on 127.0.0.1: MESSAGE over UDP and TCP, non-INVITE transaction
// retransmission and timeout, malformed input, REGISTER with Digest.
#include "net/sip_stack.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>

#include "net/raw_socket.h"
#include "net/register_client.h"
#include "net/registrar.h"
#include "net/sip_multipart.h"

namespace kb::net {
namespace {

using namespace std::chrono_literals;
using testing::RawTcp;
using testing::RawUdp;

SipStackConfig TestConfig() {
  SipStackConfig c;
  c.t1 = 10ms;  // Timer F = 640 ms
  c.t2 = 40ms;
  c.t4 = 20ms;
  return c;
}

std::unique_ptr<SipStack> StartStack(SipStackConfig c = TestConfig()) {
  auto s = SipStack::Start(std::move(c));
  EXPECT_TRUE(s) << s.error().ToString();
  return s ? std::move(*s) : nullptr;
}

Result<SipMessage> SendAndWait(SipStack& stack, SipMessage request, SipEndpoint target) {
  auto promise = std::make_shared<std::promise<Result<SipMessage>>>();
  auto future = promise->get_future();
  stack.SendRequest(std::move(request), std::move(target),
                    [promise](Result<SipMessage> r) { promise->set_value(std::move(r)); });
  if (future.wait_for(5s) != std::future_status::ready) {
    ADD_FAILURE() << "no callback within 5 s";
    return Fail(Error::Internal("test timeout"));
  }
  return future.get();
}

SipMessage Message(SipStack& from, const std::string& to_uri, std::vector<BodyPart> parts = {}) {
  auto m = from.NewRequest("MESSAGE", to_uri, to_uri);
  EXPECT_TRUE(m);
  if (!parts.empty()) {
    EXPECT_TRUE(SetMultipartBody(*m, parts));
  }
  return std::move(*m);
}

std::vector<BodyPart> SecurityMessageParts() {
  return {{"application/vnd.3gpp.mcptt-info+xml",
           ToBytes("<mcpttinfo><mcptt-Params><mcptt-request-uri>sip:bob@example.org"
                   "</mcptt-request-uri></mcptt-Params></mcpttinfo>")},
          {"application/vnd.3gpp.interworking-data", Bytes{0x01, 0x00, 0x0d, 0x0a, 0xff}}};
}

// A raw request a peer would send, with our own branch.
std::string RawMessage(uint16_t via_port, const std::string& branch, const std::string& body,
                       std::string_view transport = "UDP", bool with_length = true,
                       std::optional<size_t> length = std::nullopt) {
  std::string m =
      "MESSAGE sip:bob@127.0.0.1 SIP/2.0\r\n"
      "Via: SIP/2.0/" +
      std::string(transport) + " 127.0.0.1:" + std::to_string(via_port) + ";branch=z9hG4bK" +
      branch +
      ";rport\r\n"
      "Max-Forwards: 70\r\n"
      "From: <sip:alice@example.org>;tag=a1\r\n"
      "To: <sip:bob@example.org>\r\n"
      "Call-ID: call-" +
      branch +
      "\r\n"
      "CSeq: 1 MESSAGE\r\n"
      "Content-Type: text/plain\r\n";
  if (with_length) m += "Content-Length: " + std::to_string(length.value_or(body.size())) + "\r\n";
  return m + "\r\n" + body;
}

size_t Count(const std::string& haystack, std::string_view needle) {
  size_t n = 0;
  for (size_t p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1)) {
    ++n;
  }
  return n;
}

// A handler that answers 200 and records what it saw.
struct Recorder {
  std::mutex mu;
  std::vector<std::vector<BodyPart>> bodies;
  std::vector<SipEndpoint> sources;
  std::atomic<int> calls{0};
  RequestHandler Handler() {
    return [this](std::shared_ptr<IncomingRequest> in) {
      ++calls;
      auto parts = BodyParts(in->request());
      {
        std::lock_guard lock(mu);
        bodies.push_back(parts ? *parts : std::vector<BodyPart>{});
        sources.push_back(in->source());
      }
      in->Respond(200, "OK");
    };
  }
};

TEST(SipStack, BindsEphemeralPorts) {
  auto s = StartStack();
  ASSERT_TRUE(s);
  EXPECT_NE(s->udp_port(), 0);
  EXPECT_NE(s->tcp_port(), 0);
  EXPECT_EQ(s->LocalEndpoint(Transport::kTcp).port, s->tcp_port());
  // The same ports cannot be bound twice.
  SipStackConfig again = TestConfig();
  again.udp_port = s->udp_port();
  auto clash = SipStack::Start(again);
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().kind(), ErrorKind::kIo);
}

TEST(SipStack, MessageOverUdpWithMultipartBody) {
  auto a = StartStack(), b = StartStack();
  Recorder rec;
  b->SetRequestHandler(rec.Handler());
  auto r = SendAndWait(*a, Message(*a, "sip:bob@127.0.0.1", SecurityMessageParts()),
                       b->LocalEndpoint(Transport::kUdp));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->StatusCode(), 200);
  EXPECT_FALSE(r->ToTag().empty());
  ASSERT_EQ(rec.calls.load(), 1);
  std::lock_guard lock(rec.mu);
  EXPECT_EQ(rec.bodies[0], SecurityMessageParts());
  EXPECT_EQ(rec.sources[0].transport, Transport::kUdp);
  EXPECT_EQ(rec.sources[0].port, a->udp_port());
}

TEST(SipStack, MessageOverTcpReusesTheConnection) {
  auto a = StartStack(), b = StartStack();
  Recorder rec;
  b->SetRequestHandler(rec.Handler());
  for (int i = 0; i < 3; ++i) {
    auto r = SendAndWait(*a, Message(*a, "sip:bob@127.0.0.1", SecurityMessageParts()),
                         b->LocalEndpoint(Transport::kTcp));
    ASSERT_TRUE(r) << r.error().ToString();
    EXPECT_EQ(r->StatusCode(), 200);
  }
  ASSERT_EQ(rec.calls.load(), 3);
  std::lock_guard lock(rec.mu);
  EXPECT_EQ(rec.bodies[2], SecurityMessageParts());
  EXPECT_EQ(rec.sources[0].transport, Transport::kTcp);
  EXPECT_EQ(rec.sources[0], rec.sources[2]);  // one connection
}

TEST(SipStack, ClientRetransmitsOverUdpWhenTheFirstCopyIsLost) {
  auto a = StartStack();
  RawUdp peer;
  auto promise = std::make_shared<std::promise<Result<SipMessage>>>();
  auto future = promise->get_future();
  a->SendRequest(Message(*a, "sip:bob@127.0.0.1"), {Transport::kUdp, "127.0.0.1", peer.port()},
                 [promise](Result<SipMessage> r) { promise->set_value(std::move(r)); });
  auto first = peer.Receive(2s);  // "lost": not answered
  ASSERT_TRUE(first);
  auto second = peer.Receive(2s);
  ASSERT_TRUE(second);
  EXPECT_EQ(first->data, second->data);  // the same request, same branch
  auto req = SipMessage::Parse(second->data);
  ASSERT_TRUE(req);
  auto ok = SipMessage::ResponseTo(*req, 200, "OK");
  ASSERT_TRUE(ok);
  peer.SendTo(second->from_port, *ok->Serialise());
  ASSERT_EQ(future.wait_for(2s), std::future_status::ready);
  auto r = future.get();
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->StatusCode(), 200);
}

TEST(SipStack, ClientTimesOutWithTimerF) {
  auto a = StartStack();
  RawUdp silent;
  auto start = std::chrono::steady_clock::now();
  auto r = SendAndWait(*a, Message(*a, "sip:bob@127.0.0.1"),
                       {Transport::kUdp, "127.0.0.1", silent.port()});
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kExpired);
  EXPECT_GE(took, 64 * 10ms);
  int copies = 0;
  while (silent.Receive(0ms)) ++copies;
  EXPECT_GE(copies, 5);  // 0, 10, 30, 70, 110, ... ms
}

TEST(SipStack, ServerAbsorbsRetransmissionsAndResendsTheFinalResponse) {
  auto b = StartStack();
  Recorder rec;
  b->SetRequestHandler(rec.Handler());
  RawUdp peer;
  std::string request = RawMessage(peer.port(), "retx1", "hello");
  peer.SendTo(b->udp_port(), request);
  auto first = peer.Receive(2s);
  ASSERT_TRUE(first);
  peer.SendTo(b->udp_port(), request);
  auto second = peer.Receive(2s);
  ASSERT_TRUE(second);
  EXPECT_EQ(first->data, second->data);  // the same 200, same To tag
  auto resp = SipMessage::Parse(first->data);
  ASSERT_TRUE(resp);
  EXPECT_EQ(resp->StatusCode(), 200);
  EXPECT_NE(resp->Header("Via")->find("received=127.0.0.1"), std::string::npos);
  EXPECT_NE(resp->Header("Via")->find("rport=" + std::to_string(peer.port())), std::string::npos);
  EXPECT_EQ(rec.calls.load(), 1);
}

TEST(SipStack, ServerAbsorbsRetransmissionWhileTheHandlerThinks) {
  auto b = StartStack();
  std::promise<std::shared_ptr<IncomingRequest>> held;
  auto held_future = held.get_future();
  std::atomic<int> calls{0};
  b->SetRequestHandler([&](std::shared_ptr<IncomingRequest> in) {
    if (++calls == 1) held.set_value(std::move(in));
  });
  RawUdp peer;
  std::string request = RawMessage(peer.port(), "slow1", "x");
  peer.SendTo(b->udp_port(), request);
  ASSERT_EQ(held_future.wait_for(2s), std::future_status::ready);
  auto in = held_future.get();
  peer.SendTo(b->udp_port(), request);  // absorbed in Trying: no answer, no handler call
  EXPECT_FALSE(peer.Receive(50ms));
  in->Respond(202, "Accepted");
  auto resp = peer.Receive(2s);
  ASSERT_TRUE(resp);
  EXPECT_EQ(SipMessage::Parse(resp->data)->StatusCode(), 202);
  EXPECT_EQ(calls.load(), 1);
}

TEST(SipStack, GarbageDatagramIsDroppedAndTrafficContinues) {
  auto a = StartStack(), b = StartStack();
  Recorder rec;
  b->SetRequestHandler(rec.Handler());
  RawUdp peer;
  const char kGarbage[] = "\x16\x03\x01garbage\0\r\n\r\nmore";
  peer.SendTo(b->udp_port(), std::string(kGarbage, sizeof kGarbage - 1));
  peer.SendTo(b->udp_port(), "NOT SIP AT ALL");
  peer.SendTo(b->udp_port(), "\r\n\r\n");  // keep-alive
  EXPECT_FALSE(peer.Receive(50ms));
  auto r = SendAndWait(*a, Message(*a, "sip:bob@127.0.0.1"), b->LocalEndpoint(Transport::kUdp));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->StatusCode(), 200);
  EXPECT_EQ(rec.calls.load(), 1);
}

TEST(SipStack, LongContentLengthInADatagramGets400WithTheReason) {
  auto b = StartStack();
  Recorder rec;
  b->SetRequestHandler(rec.Handler());
  RawUdp peer;
  peer.SendTo(b->udp_port(), RawMessage(peer.port(), "cl1", "short", "UDP", true, 500));
  auto resp = peer.Receive(2s);
  ASSERT_TRUE(resp);
  auto parsed = SipMessage::Parse(resp->data);
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  EXPECT_EQ(parsed->StatusCode(), 400);
  EXPECT_NE(parsed->ReasonPhrase().find("Content-Length 500"), std::string::npos)
      << parsed->ReasonPhrase();
  EXPECT_EQ(rec.calls.load(), 0);
}

TEST(SipStack, HeaderErrorsGet400WithTheReason) {
  auto b = StartStack();
  Recorder rec;
  b->SetRequestHandler(rec.Handler());
  RawUdp peer;
  std::string bad_cseq = RawMessage(peer.port(), "cseq1", "x");
  bad_cseq.replace(bad_cseq.find("1 MESSAGE"), 9, "1 OPTIONS");
  peer.SendTo(b->udp_port(), bad_cseq);
  auto resp = peer.Receive(2s);
  ASSERT_TRUE(resp);
  auto parsed = SipMessage::Parse(resp->data);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->StatusCode(), 400);
  EXPECT_NE(parsed->ReasonPhrase().find("CSeq"), std::string::npos) << parsed->ReasonPhrase();

  std::string old_branch = RawMessage(peer.port(), "x", "x");
  old_branch.replace(old_branch.find("z9hG4bK"), 7, "1234567");
  peer.SendTo(b->udp_port(), old_branch);
  auto resp2 = peer.Receive(2s);
  ASSERT_TRUE(resp2);
  EXPECT_NE(SipMessage::Parse(resp2->data)->ReasonPhrase().find("z9hG4bK"), std::string::npos);
  EXPECT_EQ(rec.calls.load(), 0);
}

TEST(SipStack, TcpSeveralMessagesInOneWriteAndSplitAcrossWrites) {
  auto b = StartStack();
  Recorder rec;
  b->SetRequestHandler(rec.Handler());
  RawTcp peer(b->tcp_port());
  ASSERT_TRUE(peer.connected());
  std::string m1 = RawMessage(1, "tcp1", "one", "TCP");
  std::string m2 = RawMessage(1, "tcp2", "", "TCP");
  std::string m3 = RawMessage(1, "tcp3", "three", "TCP");
  peer.Send(m1 + m2 + m3.substr(0, 40));
  std::string got =
      peer.ReadUntil([](const std::string& s) { return Count(s, "SIP/2.0 200") == 2; }, 2s);
  EXPECT_EQ(Count(got, "SIP/2.0 200"), 2u);
  peer.Send(m3.substr(40));
  got = peer.ReadUntil([](const std::string& s) { return Count(s, "SIP/2.0 200") == 1; }, 2s);
  EXPECT_EQ(Count(got, "SIP/2.0 200"), 1u);
  EXPECT_EQ(rec.calls.load(), 3);
}

TEST(SipStack, TcpWithoutContentLengthGets400AndIsClosed) {
  auto a = StartStack(), b = StartStack();
  Recorder rec;
  b->SetRequestHandler(rec.Handler());
  RawTcp peer(b->tcp_port());
  ASSERT_TRUE(peer.connected());
  peer.Send(RawMessage(1, "nolen", "", "TCP", false));
  std::string got = peer.ReadUntil([](const std::string&) { return false; }, 2s);
  EXPECT_TRUE(peer.closed());
  EXPECT_NE(got.find("SIP/2.0 400"), std::string::npos) << got;
  EXPECT_NE(got.find("Content-Length missing"), std::string::npos) << got;
  // Other connections are not disturbed.
  auto r = SendAndWait(*a, Message(*a, "sip:bob@127.0.0.1"), b->LocalEndpoint(Transport::kTcp));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->StatusCode(), 200);
  EXPECT_EQ(rec.calls.load(), 1);
}

TEST(SipStack, TcpOversizeMessageIsRefusedAndClosed) {
  SipStackConfig c = TestConfig();
  c.max_message_size = 1024;
  auto b = StartStack(c);
  Recorder rec;
  b->SetRequestHandler(rec.Handler());
  RawTcp peer(b->tcp_port());
  ASSERT_TRUE(peer.connected());
  peer.Send(RawMessage(1, "big", std::string(2000, 'x'), "TCP"));
  std::string got = peer.ReadUntil([](const std::string&) { return false; }, 2s);
  EXPECT_TRUE(peer.closed());
  EXPECT_NE(got.find("SIP/2.0 400"), std::string::npos) << got;
  EXPECT_NE(got.find("maximum"), std::string::npos) << got;
  EXPECT_EQ(rec.calls.load(), 0);
}

TEST(SipStack, TransportErrorsAndUnsupportedRequests) {
  auto a = StartStack();
  RawUdp unused;  // a port with no TCP listener on it
  auto refused = SendAndWait(*a, Message(*a, "sip:bob@127.0.0.1"),
                             {Transport::kTcp, "127.0.0.1", unused.port()});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind(), ErrorKind::kIo);
  auto invite = a->NewRequest("INVITE", "sip:bob@127.0.0.1", "sip:bob@127.0.0.1");
  ASSERT_TRUE(invite);
  auto r = SendAndWait(*a, std::move(*invite), a->LocalEndpoint(Transport::kUdp));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kUnsupported);
  auto bad_host =
      SendAndWait(*a, Message(*a, "sip:bob@127.0.0.1"), {Transport::kUdp, "not-an-ip", 5060});
  ASSERT_FALSE(bad_host);
  EXPECT_EQ(bad_host.error().kind(), ErrorKind::kInvalidArgument);
  EXPECT_FALSE(a->NewRequest("MESSAGE", "not a uri", "sip:bob@127.0.0.1"));
}

TEST(SipStack, NoHandlerIs501AndASilentHandlerIs500) {
  auto a = StartStack(), b = StartStack();
  auto r = SendAndWait(*a, Message(*a, "sip:bob@127.0.0.1"), b->LocalEndpoint(Transport::kUdp));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->StatusCode(), 501);
  b->SetRequestHandler([](std::shared_ptr<IncomingRequest>) {});
  auto silent =
      SendAndWait(*a, Message(*a, "sip:bob@127.0.0.1"), b->LocalEndpoint(Transport::kUdp));
  ASSERT_TRUE(silent);
  EXPECT_EQ(silent->StatusCode(), 500);
  EXPECT_NE(silent->ReasonPhrase().find("did not answer"), std::string::npos);
}

class RegisterTest : public ::testing::Test {
 protected:
  RegisterTest()
      : registrar_(RegistrarConfig{}, [](std::string_view user) -> std::optional<SecretBytes> {
          if (user == "alice@example.org") return SecretBytes(AsBytes("alice-pw"));
          return std::nullopt;
        }) {
    server_ = StartStack();
    client_ = StartStack();
    server_->SetRequestHandler([this](std::shared_ptr<IncomingRequest> in) {
      in->Respond(registrar_.Handle(in->request(), RegistrarClock::now()));
    });
  }

  Result<SipMessage> Register(std::string contact, std::string password, uint32_t expires,
                              Transport t = Transport::kUdp) {
    RegistrationRequest req;
    req.aor = "sip:alice@example.org";
    req.contact = std::move(contact);
    req.password = SecretBytes(AsBytes(password));
    req.expires = expires;
    req.registrar = server_->LocalEndpoint(t);
    auto promise = std::make_shared<std::promise<Result<SipMessage>>>();
    auto future = promise->get_future();
    kb::net::Register(*client_, std::move(req),
                      [promise](Result<SipMessage> r) { promise->set_value(std::move(r)); });
    if (future.wait_for(5s) != std::future_status::ready) {
      ADD_FAILURE() << "no REGISTER outcome";
      return Fail(Error::Internal("test timeout"));
    }
    return future.get();
  }

  Registrar registrar_;
  std::unique_ptr<SipStack> server_;
  std::unique_ptr<SipStack> client_;
};

TEST_F(RegisterTest, DigestChallengeThen200AndSeveralContacts) {
  auto r1 = Register("sip:alice@127.0.0.1:5070", "alice-pw", 600);
  ASSERT_TRUE(r1) << r1.error().ToString();
  EXPECT_EQ(r1->StatusCode(), 200) << r1->ReasonPhrase();
  auto r2 = Register("sip:alice@127.0.0.1:5071", "alice-pw", 600, Transport::kTcp);
  ASSERT_TRUE(r2) << r2.error().ToString();
  EXPECT_EQ(r2->StatusCode(), 200);
  EXPECT_EQ(r2->Headers("Contact").size(), 2u);
  EXPECT_EQ(registrar_.Lookup("sip:alice@example.org", RegistrarClock::now()).size(), 2u);
  auto off = Register("sip:alice@127.0.0.1:5070", "alice-pw", 0);
  ASSERT_TRUE(off);
  EXPECT_EQ(off->StatusCode(), 200);
  auto left = registrar_.Lookup("sip:alice@example.org", RegistrarClock::now());
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].contact, "sip:alice@127.0.0.1:5071");
}

TEST_F(RegisterTest, WrongPasswordIs403) {
  auto r = Register("sip:alice@127.0.0.1:5070", "wrong", 600);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->StatusCode(), 403);
  EXPECT_TRUE(registrar_.Lookup("sip:alice@example.org", RegistrarClock::now()).empty());
}

}  // namespace
}  // namespace kb::net
