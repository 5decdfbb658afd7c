// Call setup over SIP on 127.0.0.1 (RFC 3261 INVITE/200/ACK/BYE with RFC 3264 SDP): the IWF
// calls an MC user with the LMR codec, the encryption IEs and an IWF-generated PCK; the MC user
// answers or refuses with 488 and a reason; a malformed body gets 400.
#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>

#include "call/call_offer.h"
#include "call/private_call_key.h"
#include "mikey/mikey_fixture.h"
#include "net/sip_dialog.h"
#include "net/sip_stack.h"

namespace kb::call {
namespace {

using namespace std::chrono_literals;
using mikey::testing::DefaultOpen;
using mikey::testing::Now;
using mikey::testing::TestCommunity;
using mikey::testing::TestUser;

const TestUser& Iwf() {
  static const TestUser* iwf =
      new TestUser("sip:iwf@example.org", TestCommunity::Get().kms_a, TestCommunity::Get().period);
  return *iwf;
}

std::unique_ptr<net::SipStack> Stack() {
  net::SipStackConfig c;
  c.t1 = 10ms;
  c.t2 = 40ms;
  c.t4 = 20ms;
  auto s = net::SipStack::Start(c);
  EXPECT_TRUE(s);
  return std::move(*s);
}

// The MC user (alice): reads the offer, opens the PCK signed by the caller, answers.
struct McUser {
  AnswerPolicy policy;
  std::mutex mu;
  std::optional<PrivateCallKey> key;
  net::RequestHandler Handler() {
    return [this](std::shared_ptr<net::IncomingRequest> in) {
      auto refuse = [&](const Error& e) { in->Respond(SipStatusFor(e), SipReasonFor(e)); };
      if (in->request().ContentType() != "application/sdp") {
        return in->Respond(415, "Unsupported Media Type: application/sdp expected");
      }
      auto sd = SessionDescription::Parse(AsString(in->request().Body()));
      if (!sd) return refuse(sd.error());
      auto offer = ReadSdp(*sd);
      if (!offer) return refuse(offer.error());
      auto answer = AnswerOffer(*offer, CallType::kPrivate, policy);
      if (!answer) return refuse(answer.error());
      auto pck = OpenPrivateCallKey(*offer, TestCommunity::Get().alice.AsReceiver(), DefaultOpen(),
                                    in->request().FromUri());
      if (!pck) return in->Respond(403, "Forbidden: " + pck.error().message());
      {
        std::lock_guard lock(mu);
        key = std::move(*pck);
      }
      auto ok = net::SipMessage::ResponseTo(in->request(), 200, "OK");
      ASSERT_TRUE(ok);
      ASSERT_TRUE(ok->SetBody("application/sdp", ToBytes(BuildSdp(*answer, 5).Serialise())));
      in->Respond(std::move(*ok));
    };
  }
};

Result<net::SipMessage> Call(net::SipStack& iwf, net::SipStack& alice, const std::string& body) {
  auto invite = iwf.NewRequest("INVITE", "sip:alice@127.0.0.1", "sip:alice@example.org", Iwf().uri);
  EXPECT_TRUE(invite);
  EXPECT_TRUE(invite->SetBody("application/sdp", ToBytes(body)));
  auto done = std::make_shared<std::promise<Result<net::SipMessage>>>();
  auto future = done->get_future();
  iwf.SendInvite(std::move(*invite), alice.LocalEndpoint(net::Transport::kUdp),
                 [done](Result<net::SipMessage> r) {
                   if (r && r->StatusCode() < 200) return;
                   done->set_value(std::move(r));
                 });
  if (future.wait_for(5s) != std::future_status::ready) return Fail(Error::Internal("timeout"));
  return future.get();
}

CallMedia IwfOffer(LmrEncryption e, const PrivateCallKey& key) {
  CallMedia offer;
  offer.audio_port = 41000;
  offer.codecs = {Codec::kP25Imbe, Codec::kAmrWb};
  offer.lmr_encryption = e;
  offer.floor = FloorControlOffer{41002, 1, false};
  AttachPrivateCallKey(offer, key);
  return offer;
}

TEST(CallSetup, LmrUserCallsMcUserWithAnIwfGeneratedKey) {
  auto iwf = Stack(), alice = Stack();
  McUser user;
  user.policy.audio_port = 52000;
  user.policy.floor_port = 52002;
  alice->SetInviteHandler(user.Handler());
  auto key =
      CreatePrivateCallKey(Iwf().AsInitiator(), TestCommunity::Get().alice.AsResponder(), Now());
  ASSERT_TRUE(key);
  CallMedia offer = IwfOffer({EncryptionMode::kE2ee, 0x84, false}, *key);
  auto r = Call(*iwf, *alice, BuildSdp(offer, 1).Serialise());
  ASSERT_TRUE(r) << r.error().ToString();
  ASSERT_EQ(r->StatusCode(), 200) << r->ReasonPhrase();
  auto answer_sdp = SessionDescription::Parse(AsString(r->Body()));
  ASSERT_TRUE(answer_sdp);
  auto answer = ReadSdp(*answer_sdp);
  ASSERT_TRUE(answer) << answer.error().ToString();
  LmrEncryptionPolicy iwf_policy;
  ASSERT_TRUE(CheckAnswer(offer, *answer, iwf_policy));
  EXPECT_EQ(answer->lmr_encryption, (LmrEncryption{EncryptionMode::kE2ee, 0x84, false}));
  EXPECT_EQ(answer->audio_port, 52000);
  std::lock_guard lock(user.mu);
  ASSERT_TRUE(user.key);
  auto mine = PrivateCallMasterKey(*key, kCsIdPrivateInitiator);
  auto theirs = PrivateCallMasterKey(*user.key, kCsIdPrivateInitiator);
  EXPECT_TRUE(ConstantTimeEqual(mine.key.Reveal(), theirs.key.Reveal()));
  std::promise<Result<net::SipMessage>> bye;
  iwf->SendBye(net::ResponseDialogId(*r),
               [&](Result<net::SipMessage> b) { bye.set_value(std::move(b)); });
  auto b = bye.get_future().get();
  ASSERT_TRUE(b);
  EXPECT_EQ(b->StatusCode(), 200);
}

TEST(CallSetup, AlgorithmMismatchIsRefusedWith488) {
  auto iwf = Stack(), alice = Stack();
  McUser user;
  user.policy.lmr.algorithms = {0x84};
  user.policy.floor_port = 52002;
  alice->SetInviteHandler(user.Handler());
  auto key =
      CreatePrivateCallKey(Iwf().AsInitiator(), TestCommunity::Get().alice.AsResponder(), Now());
  ASSERT_TRUE(key);
  auto r = Call(*iwf, *alice,
                BuildSdp(IwfOffer({EncryptionMode::kE2ee, 0x81, false}, *key), 1).Serialise());
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->StatusCode(), 488);
  EXPECT_EQ(r->ReasonPhrase(), "Not Acceptable Here: LMR encryption algorithm 0x81 not supported");
}

TEST(CallSetup, MissingKeyMalformedSdpAndWrongSignerAreRefused) {
  auto iwf = Stack(), alice = Stack();
  McUser user;
  user.policy.floor_port = 52002;
  alice->SetInviteHandler(user.Handler());
  auto key =
      CreatePrivateCallKey(Iwf().AsInitiator(), TestCommunity::Get().alice.AsResponder(), Now());
  ASSERT_TRUE(key);
  CallMedia no_key = IwfOffer({EncryptionMode::kNone, std::nullopt, false}, *key);
  no_key.mikey.reset();
  auto r1 = Call(*iwf, *alice, BuildSdp(no_key, 1).Serialise());
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->StatusCode(), 488);
  EXPECT_NE(r1->ReasonPhrase().find("key-mgmt"), std::string::npos);

  auto r2 = Call(*iwf, *alice, "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\nm=audio x\r\n");
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->StatusCode(), 400);

  auto carol = CreatePrivateCallKey(TestCommunity::Get().carol.AsInitiator(),
                                    TestCommunity::Get().alice.AsResponder(), Now());
  ASSERT_TRUE(carol);
  auto r3 =
      Call(*iwf, *alice,
           BuildSdp(IwfOffer({EncryptionMode::kNone, std::nullopt, false}, *carol), 1).Serialise());
  ASSERT_TRUE(r3);
  EXPECT_EQ(r3->StatusCode(), 403);
}

}  // namespace
}  // namespace kb::call
