// RFC 3261 13, 15, 17.1.1, 17.2.1 (with RFC 6026) over real sockets on 127.0.0.1: INVITE / 2xx /
// ACK / BYE between two stacks over UDP and TCP, retransmission of the INVITE and of final
// responses, loss of the ACK (of a 2xx and of a non-2xx), Timer B, CANCEL, and the dialog rules.
#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>

#include "net/raw_socket.h"
#include "net/sip_dialog.h"
#include "net/sip_stack.h"

namespace kb::net {
namespace {

using namespace std::chrono_literals;
using testing::RawTcp;
using testing::RawUdp;

SipStackConfig TestConfig() {
  SipStackConfig c;
  c.t1 = 10ms;  // Timers B, H, L, M and the 2xx deadline = 640 ms
  c.t2 = 40ms;
  c.t4 = 20ms;
  return c;
}

std::unique_ptr<SipStack> StartStack() {
  auto s = SipStack::Start(TestConfig());
  EXPECT_TRUE(s) << s.error().ToString();
  return s ? std::move(*s) : nullptr;
}

const std::string kOffer = "v=0\r\no=alice 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
const std::string kAnswer = "v=0\r\no=bob 2 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

// Collects what an INVITE client sees: every response, then the final outcome.
struct InviteResult {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<int> statuses;
  std::optional<Result<SipMessage>> final_outcome;
  ResponseCallback Callback() {
    return [this](Result<SipMessage> r) {
      std::lock_guard lock(mu);
      if (r && r->StatusCode() < 200) {
        statuses.push_back(r->StatusCode());
        return;
      }
      if (r) statuses.push_back(r->StatusCode());
      final_outcome = std::move(r);
      cv.notify_all();
    };
  }
  Result<SipMessage> Wait() {
    std::unique_lock lock(mu);
    if (!cv.wait_for(lock, 5s, [&] { return final_outcome.has_value(); })) {
      return Fail(Error::Internal("test timeout"));
    }
    return std::move(*final_outcome);
  }
};

// Collects dialog events.
struct Events {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<DialogEvent> seen;
  DialogHandler Handler() {
    return [this](const DialogEvent& e) {
      std::lock_guard lock(mu);
      seen.push_back(e);
      cv.notify_all();
    };
  }
  std::optional<DialogEvent> WaitFor(DialogEvent::Kind kind, std::chrono::milliseconds t = 5s) {
    std::unique_lock lock(mu);
    std::optional<DialogEvent> found;
    cv.wait_for(lock, t, [&] {
      for (auto& e : seen) {
        if (e.kind == kind) found = e;
      }
      return found.has_value();
    });
    return found;
  }
};

SipMessage Invite(SipStack& from, const std::string& body = kOffer) {
  auto m = from.NewRequest("INVITE", "sip:bob@127.0.0.1", "sip:bob@example.org",
                           "sip:alice@example.org");
  EXPECT_TRUE(m);
  EXPECT_TRUE(m->SetBody("application/sdp", ToBytes(body)));
  return std::move(*m);
}

// Answers 180 then 200 with the SDP answer.
RequestHandler Answering(std::atomic<int>* calls = nullptr) {
  return [calls](std::shared_ptr<IncomingRequest> in) {
    if (calls) ++*calls;
    in->Respond(180, "Ringing");
    auto ok = SipMessage::ResponseTo(in->request(), 200, "OK");
    ASSERT_TRUE(ok);
    ASSERT_TRUE(ok->SetBody("application/sdp", ToBytes(kAnswer)));
    in->Respond(std::move(*ok));
  };
}

class InviteOver : public ::testing::TestWithParam<Transport> {};

TEST_P(InviteOver, InviteOkAckBye) {
  auto a = StartStack(), b = StartStack();
  Events a_events, b_events;
  a->SetDialogHandler(a_events.Handler());
  b->SetDialogHandler(b_events.Handler());
  std::atomic<int> calls{0};
  b->SetInviteHandler(Answering(&calls));
  InviteResult result;
  a->SendInvite(Invite(*a), b->LocalEndpoint(GetParam()), result.Callback());
  auto r = result.Wait();
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->StatusCode(), 200);
  EXPECT_EQ(AsString(r->Body()), kAnswer);
  {
    std::lock_guard lock(result.mu);
    ASSERT_GE(result.statuses.size(), 2u);
    EXPECT_EQ(result.statuses[result.statuses.size() - 2], 180);
  }
  EXPECT_FALSE(ContactUri(*r).empty());
  auto confirmed = b_events.WaitFor(DialogEvent::Kind::kConfirmed);
  ASSERT_TRUE(confirmed);
  DialogId at_a = ResponseDialogId(*r);
  EXPECT_EQ(confirmed->id.call_id, at_a.call_id);
  EXPECT_EQ(confirmed->id.local_tag, at_a.remote_tag);
  EXPECT_EQ(confirmed->id.remote_tag, at_a.local_tag);

  std::promise<Result<SipMessage>> bye_done;
  a->SendBye(at_a, [&](Result<SipMessage> x) { bye_done.set_value(std::move(x)); });
  auto bye_future = bye_done.get_future();
  ASSERT_EQ(bye_future.wait_for(5s), std::future_status::ready);
  auto bye = bye_future.get();
  ASSERT_TRUE(bye) << bye.error().ToString();
  EXPECT_EQ(bye->StatusCode(), 200);
  auto ended = b_events.WaitFor(DialogEvent::Kind::kByeReceived);
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->id, confirmed->id);
  EXPECT_EQ(calls.load(), 1);

  // The dialog is gone on both sides: a second BYE is refused locally.
  std::promise<Result<SipMessage>> again;
  a->SendBye(at_a, [&](Result<SipMessage> x) { again.set_value(std::move(x)); });
  auto again_result = again.get_future().get();
  ASSERT_FALSE(again_result);
  EXPECT_EQ(again_result.error().kind(), ErrorKind::kNotFound);
}

TEST_P(InviteOver, BusyIsAcknowledgedByTheTransaction) {
  auto a = StartStack(), b = StartStack();
  b->SetInviteHandler([](std::shared_ptr<IncomingRequest> in) { in->Respond(486, "Busy Here"); });
  InviteResult result;
  a->SendInvite(Invite(*a), b->LocalEndpoint(GetParam()), result.Callback());
  auto r = result.Wait();
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->StatusCode(), 486);
}

TEST_P(InviteOver, WithoutAnInviteHandlerTheAnswerIs501) {
  auto a = StartStack(), b = StartStack();
  InviteResult result;
  a->SendInvite(Invite(*a), b->LocalEndpoint(GetParam()), result.Callback());
  auto r = result.Wait();
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->StatusCode(), 501);
}

INSTANTIATE_TEST_SUITE_P(Transports, InviteOver,
                         ::testing::Values(Transport::kUdp, Transport::kTcp),
                         [](const auto& p) { return std::string(TransportName(p.param)); });

// A raw INVITE from a peer on `via_port`.
std::string RawInvite(uint16_t via_port, const std::string& branch,
                      std::string_view method = "INVITE", std::string_view transport = "UDP") {
  return std::string(method) + " sip:bob@127.0.0.1 SIP/2.0\r\n" + "Via: SIP/2.0/" +
         std::string(transport) + " 127.0.0.1:" + std::to_string(via_port) + ";branch=z9hG4bK" +
         branch + ";rport\r\nMax-Forwards: 70\r\n" +
         "From: <sip:alice@example.org>;tag=a1\r\nTo: <sip:bob@example.org>\r\n" +
         "Call-ID: call-" + branch + "\r\nCSeq: 1 " + std::string(method) +
         "\r\nContact: <sip:alice@127.0.0.1:" + std::to_string(via_port) +
         ">\r\nContent-Length: 0\r\n\r\n";
}

// The ACK of a final response, as the raw peer sends it (same branch for a non-2xx).
std::string RawAck(const SipMessage& response, uint16_t via_port, const std::string& branch) {
  return "ACK sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + std::to_string(via_port) +
         ";branch=z9hG4bK" + branch +
         ";rport\r\nMax-Forwards: 70\r\nFrom: <sip:alice@example.org>;tag=a1\r\nTo: "
         "<sip:bob@example.org>;tag=" +
         response.ToTag() + "\r\nCall-ID: " + response.CallId() +
         "\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n";
}

// Receives datagrams until one has `status` (others, e.g. 100 Trying, are skipped).
std::optional<SipMessage> ReceiveStatus(RawUdp& peer, int status,
                                        std::chrono::milliseconds t = 2s) {
  auto deadline = std::chrono::steady_clock::now() + t;
  while (std::chrono::steady_clock::now() < deadline) {
    auto d = peer.Receive(std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()));
    if (!d) break;
    auto m = SipMessage::Parse(d->data);
    if (m && !m->IsRequest() && m->StatusCode() == status) return std::move(*m);
  }
  return std::nullopt;
}

int CountStatus(RawUdp& peer, int status, std::chrono::milliseconds window) {
  int n = 0;
  auto deadline = std::chrono::steady_clock::now() + window;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    auto d = peer.Receive(left);
    if (!d) break;
    auto m = SipMessage::Parse(d->data);
    if (m && !m->IsRequest() && m->StatusCode() == status) ++n;
  }
  return n;
}

TEST(InviteServer, SendsTryingAndResendsThe2xxUntilTheLostAckArrives) {
  auto b = StartStack();
  Events events;
  b->SetDialogHandler(events.Handler());
  b->SetInviteHandler(Answering());
  RawUdp peer;
  peer.SendTo(b->udp_port(), RawInvite(peer.port(), "ok1"));
  ASSERT_TRUE(ReceiveStatus(peer, 100));
  auto ok = ReceiveStatus(peer, 200);
  ASSERT_TRUE(ok);
  // The ACK is "lost": the 2xx comes again (T1 = 10 ms, doubling to T2).
  auto again = ReceiveStatus(peer, 200);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->ToTag(), ok->ToTag());
  // A retransmitted INVITE does not reach the handler again (absorbed).
  peer.SendTo(b->udp_port(), RawInvite(peer.port(), "ok1"));
  peer.SendTo(b->udp_port(), RawAck(*ok, peer.port(), "ack-of-2xx"));
  ASSERT_TRUE(events.WaitFor(DialogEvent::Kind::kConfirmed));
  while (peer.Receive(30ms)) {
  }
  EXPECT_EQ(CountStatus(peer, 200, 150ms), 0);  // stopped after the ACK
}

TEST(InviteServer, AckNeverArrivesEndsTheDialogWithBye) {
  auto b = StartStack();
  Events events;
  b->SetDialogHandler(events.Handler());
  b->SetInviteHandler(Answering());
  RawUdp peer;
  peer.SendTo(b->udp_port(), RawInvite(peer.port(), "noack"));
  ASSERT_TRUE(events.WaitFor(DialogEvent::Kind::kAckTimeout));
  bool bye = false;
  int oks = 0;
  while (auto d = peer.Receive(500ms)) {
    auto m = SipMessage::Parse(d->data);
    ASSERT_TRUE(m);
    if (m->IsRequest() && m->Method() == "BYE") {
      bye = true;
      EXPECT_EQ(m->CallId(), "call-noack");
      EXPECT_EQ(m->RequestUri(), "sip:alice@127.0.0.1:" + std::to_string(peer.port()));
      EXPECT_EQ(m->ToTag(), "a1");
      break;
    }
    if (!m->IsRequest() && m->StatusCode() == 200) ++oks;
  }
  EXPECT_TRUE(bye);
  EXPECT_GE(oks, 5);  // 0, 10, 30, 70, 110, 150 ... ms
}

TEST(InviteServer, NonSuccessIsResentOnTimerGUntilTheAck) {
  auto b = StartStack();
  b->SetInviteHandler([](std::shared_ptr<IncomingRequest> in) { in->Respond(486, "Busy Here"); });
  RawUdp peer;
  peer.SendTo(b->udp_port(), RawInvite(peer.port(), "busy"));
  auto busy = ReceiveStatus(peer, 486);
  ASSERT_TRUE(busy);
  ASSERT_TRUE(ReceiveStatus(peer, 486));  // ACK lost: Timer G
  // A retransmitted INVITE gets the final response again.
  peer.SendTo(b->udp_port(), RawInvite(peer.port(), "busy"));
  ASSERT_TRUE(ReceiveStatus(peer, 486));
  peer.SendTo(b->udp_port(), RawAck(*busy, peer.port(), "busy"));  // same branch (17.1.1.3)
  while (peer.Receive(30ms)) {
  }
  EXPECT_EQ(CountStatus(peer, 486, 150ms), 0);
}

TEST(InviteServer, NonSuccessWithoutAckEndsAtTimerH) {
  auto b = StartStack();
  b->SetInviteHandler([](std::shared_ptr<IncomingRequest> in) { in->Respond(603, "Decline"); });
  RawUdp peer;
  peer.SendTo(b->udp_port(), RawInvite(peer.port(), "decline"));
  int copies = CountStatus(peer, 603, 900ms);
  EXPECT_GE(copies, 5);
  EXPECT_LE(copies, 64 / 4 + 2);                // T2 = 4*T1 caps the interval; Timer H = 64*T1
  EXPECT_EQ(CountStatus(peer, 603, 200ms), 0);  // terminated
}

TEST(InviteServer, CancelGets200AndTheInvite487) {
  auto b = StartStack();
  std::promise<std::shared_ptr<IncomingRequest>> held;
  b->SetInviteHandler([&](std::shared_ptr<IncomingRequest> in) {
    in->Respond(180, "Ringing");
    held.set_value(in);  // kept, never answered by the handler
  });
  RawUdp peer;
  peer.SendTo(b->udp_port(), RawInvite(peer.port(), "cx"));
  ASSERT_TRUE(ReceiveStatus(peer, 180));
  peer.SendTo(b->udp_port(), RawInvite(peer.port(), "cx", "CANCEL"));
  bool cancel_ok = false, terminated = false;
  while (auto d = peer.Receive(500ms)) {
    auto m = SipMessage::Parse(d->data);
    ASSERT_TRUE(m);
    if (m->StatusCode() == 200 && m->Method() == "CANCEL") cancel_ok = true;
    if (m->StatusCode() == 487 && m->Method() == "INVITE") terminated = true;
    if (cancel_ok && terminated) break;
  }
  EXPECT_TRUE(cancel_ok);
  EXPECT_TRUE(terminated);
  // A CANCEL of nothing: 481.
  peer.SendTo(b->udp_port(), RawInvite(peer.port(), "nothing", "CANCEL"));
  EXPECT_TRUE(ReceiveStatus(peer, 481));
}

TEST(InviteServer, ByeOutsideADialogGets481AndReInviteGets501) {
  auto b = StartStack();
  b->SetInviteHandler(Answering());
  RawUdp peer;
  peer.SendTo(b->udp_port(), RawInvite(peer.port(), "stray", "BYE"));
  EXPECT_TRUE(ReceiveStatus(peer, 481));
  std::string reinvite = RawInvite(peer.port(), "re");
  reinvite.replace(reinvite.find("To: <sip:bob@example.org>"), 25,
                   "To: <sip:bob@example.org>;tag=x");
  peer.SendTo(b->udp_port(), reinvite);
  EXPECT_TRUE(ReceiveStatus(peer, 501));
}

TEST(InviteClient, RetransmitsOnTimerAAndAcksEveryNonSuccess) {
  auto a = StartStack();
  RawUdp peer;
  InviteResult result;
  a->SendInvite(Invite(*a), {Transport::kUdp, "127.0.0.1", peer.port()}, result.Callback());
  auto first = peer.Receive(2s);
  ASSERT_TRUE(first);
  auto second = peer.Receive(2s);  // the first copy was "lost"
  ASSERT_TRUE(second);
  EXPECT_EQ(first->data, second->data);
  auto invite = SipMessage::Parse(second->data);
  ASSERT_TRUE(invite);
  auto busy = SipMessage::ResponseTo(*invite, 486, "Busy Here");
  ASSERT_TRUE(busy);
  std::string busy_wire = *busy->Serialise();
  peer.SendTo(second->from_port, busy_wire);
  auto r = result.Wait();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->StatusCode(), 486);
  auto ack_of = [&]() -> std::optional<SipMessage> {
    while (auto d = peer.Receive(1s)) {
      auto m = SipMessage::Parse(d->data);
      if (m && m->IsRequest() && m->Method() == "ACK") return std::move(*m);
    }
    return std::nullopt;
  };
  auto ack = ack_of();
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->TopViaBranch(), invite->TopViaBranch());  // 17.1.1.3
  EXPECT_EQ(ack->CSeqNumber(), invite->CSeqNumber());
  EXPECT_EQ(ack->ToTag(), busy->ToTag());
  EXPECT_EQ(ack->RequestUri(), invite->RequestUri());
  // Our ACK was lost: the 486 comes again and is acknowledged again.
  peer.SendTo(second->from_port, busy_wire);
  auto ack2 = ack_of();
  ASSERT_TRUE(ack2);
  EXPECT_EQ(ack2->TopViaBranch(), invite->TopViaBranch());
}

TEST(InviteClient, AcksThe2xxInANewTransactionAndAgainForRetransmissions) {
  auto a = StartStack();
  RawUdp peer;
  InviteResult result;
  a->SendInvite(Invite(*a), {Transport::kUdp, "127.0.0.1", peer.port()}, result.Callback());
  auto d = peer.Receive(2s);
  ASSERT_TRUE(d);
  auto invite = SipMessage::Parse(d->data);
  ASSERT_TRUE(invite);
  auto ok = SipMessage::ResponseTo(*invite, 200, "OK");
  ASSERT_TRUE(ok);
  ASSERT_TRUE(ok->AddHeader("Contact", "<sip:bob@127.0.0.1:" + std::to_string(peer.port()) + ">"));
  std::string ok_wire = *ok->Serialise();
  peer.SendTo(d->from_port, ok_wire);
  auto r = result.Wait();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->StatusCode(), 200);
  auto next_ack = [&]() -> std::optional<SipMessage> {
    while (auto x = peer.Receive(1s)) {
      auto m = SipMessage::Parse(x->data);
      if (m && m->IsRequest() && m->Method() == "ACK") return std::move(*m);
    }
    return std::nullopt;
  };
  auto ack = next_ack();
  ASSERT_TRUE(ack);
  EXPECT_NE(ack->TopViaBranch(), invite->TopViaBranch());  // 13.2.2.4: its own transaction
  EXPECT_EQ(ack->RequestUri(), "sip:bob@127.0.0.1:" + std::to_string(peer.port()));
  EXPECT_EQ(ack->CSeqNumber(), invite->CSeqNumber());
  peer.SendTo(d->from_port, ok_wire);  // the UAS did not get our ACK
  auto ack2 = next_ack();
  ASSERT_TRUE(ack2);
  EXPECT_EQ(ack2->TopViaBranch(), ack->TopViaBranch());
}

TEST(InviteClient, TimerBWhenNobodyAnswers) {
  auto a = StartStack();
  RawUdp silent;
  InviteResult result;
  auto start = std::chrono::steady_clock::now();
  a->SendInvite(Invite(*a), {Transport::kUdp, "127.0.0.1", silent.port()}, result.Callback());
  auto r = result.Wait();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kExpired);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 64 * 10ms);
}

TEST(InviteClient, SendRequestRefusesInviteAckAndBye) {
  auto a = StartStack();
  for (std::string method : {"INVITE", "ACK", "BYE"}) {
    auto m = a->NewRequest(method, "sip:bob@127.0.0.1", "sip:bob@example.org");
    ASSERT_TRUE(m);
    std::promise<Result<SipMessage>> p;
    a->SendRequest(std::move(*m), {Transport::kUdp, "127.0.0.1", 9},
                   [&](Result<SipMessage> r) { p.set_value(std::move(r)); });
    auto r = p.get_future().get();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), ErrorKind::kUnsupported) << method;
  }
}

TEST(InviteTcp, RawPeerGetsTryingAndOkOnTheConnection) {
  auto b = StartStack();
  Events events;
  b->SetDialogHandler(events.Handler());
  b->SetInviteHandler(Answering());
  RawTcp peer(b->tcp_port());
  ASSERT_TRUE(peer.connected());
  peer.Send(RawInvite(40000, "tcp1", "INVITE", "TCP"));
  std::string got = peer.ReadUntil(
      [](const std::string& s) { return s.find("SIP/2.0 200") != std::string::npos; }, 2s);
  EXPECT_NE(got.find("SIP/2.0 100 Trying"), std::string::npos);
  ASSERT_NE(got.find("SIP/2.0 200"), std::string::npos);
  // No ACK over TCP: the dialog times out (no 2xx retransmission on a reliable transport).
  ASSERT_TRUE(events.WaitFor(DialogEvent::Kind::kAckTimeout));
}

// Dialog rules without sockets.
TEST(Dialog, UacAndUasViewsAgreeAndCSeqRises) {
  SipMessage invite = SipMessage::Request("INVITE", "sip:bob@example.org");
  ASSERT_TRUE(invite.AddHeader("Via", "SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bKx"));
  ASSERT_TRUE(invite.AddHeader("From", "<sip:alice@example.org>;tag=A"));
  ASSERT_TRUE(invite.AddHeader("To", "<sip:bob@example.org>"));
  ASSERT_TRUE(invite.AddHeader("Call-ID", "c1"));
  ASSERT_TRUE(invite.AddHeader("CSeq", "7 INVITE"));
  ASSERT_TRUE(invite.AddHeader("Contact", "<sip:alice@127.0.0.1:5062>"));
  auto no_tag = SipMessage::ResponseTo(invite, 100, "Trying");
  ASSERT_TRUE(no_tag);
  EXPECT_FALSE(Dialog::AsUac(invite, *no_tag, {}));  // 12.1.2: the 2xx needs a To tag
  auto ok = SipMessage::ResponseTo(invite, 200, "OK");
  ASSERT_TRUE(ok);
  ASSERT_TRUE(ok->AddHeader("Contact", "<sip:bob@127.0.0.1:5064>"));
  auto uac = Dialog::AsUac(invite, *ok, {});
  auto uas = Dialog::AsUas(invite, *ok, {});
  ASSERT_TRUE(uac && uas);
  EXPECT_EQ(uac->id.local_tag, uas->id.remote_tag);
  EXPECT_EQ(uac->id.remote_tag, uas->id.local_tag);
  EXPECT_EQ(uac->remote_target, "sip:bob@127.0.0.1:5064");
  EXPECT_EQ(uas->remote_target, "sip:alice@127.0.0.1:5062");
  auto ack = uac->Ack();
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->CSeqNumber(), 7u);
  auto bye = uac->NewRequest("BYE");
  ASSERT_TRUE(bye);
  EXPECT_EQ(bye->CSeqNumber(), 8u);
  EXPECT_EQ(bye->Method(), "BYE");
  EXPECT_EQ(IncomingDialogId(*bye), uas->id);
  EXPECT_TRUE(uas->AcceptRemoteCSeq(8));
  EXPECT_FALSE(uas->AcceptRemoteCSeq(8));  // not above the last one: 500
  EXPECT_FALSE(uas->AcceptRemoteCSeq(3));
}

}  // namespace
}  // namespace kb::net
