// RFC 3264 offer/answer with the LMR codec and the TS 23.283 10.4.1.2 encryption IEs (keybridge
// SDP form): agreement on E2EE and the ALGID, refusals with their 488 reasons, malformed offers.
#include "call/call_offer.h"

#include <gtest/gtest.h>

#include "call/key_mgmt.h"

namespace kb::call {
namespace {

CallMedia LmrOffer(LmrEncryption e) {
  CallMedia m;
  m.audio_port = 40000;
  m.codecs = {Codec::kP25Imbe, Codec::kAmrWb};
  m.lmr_encryption = e;
  m.mikey = Bytes{1, 2, 3, 4};
  m.floor = FloorControlOffer{40002, 7, true};
  return m;
}

AnswerPolicy Policy() {
  AnswerPolicy p;
  p.audio_port = 50000;
  p.floor_port = 50002;
  p.lmr.algorithms = {0x84, 0x81};
  return p;
}

// Offer -> SDP text -> parsed -> answer -> SDP text -> parsed -> checked by the offerer.
Result<CallMedia> Negotiate(const CallMedia& offer, const AnswerPolicy& policy,
                            CallType type = CallType::kPrivate) {
  auto offer_sdp = SessionDescription::Parse(BuildSdp(offer, 1).Serialise());
  if (!offer_sdp) return Fail(offer_sdp.error());
  KB_TRY(auto offered, ReadSdp(*offer_sdp));
  if (!(offered == offer)) return Fail(Error::Internal("offer did not survive its SDP"));
  KB_TRY(auto answer, AnswerOffer(offered, type, policy));
  auto answer_sdp = SessionDescription::Parse(BuildSdp(answer, 2).Serialise());
  if (!answer_sdp) return Fail(answer_sdp.error());
  KB_TRY(auto answered, ReadSdp(*answer_sdp));
  KB_CHECK(CheckAnswer(offer, answered, policy.lmr));
  return answered;
}

TEST(CallOffer, OfferCarriesBothCodecsTheIesTheKeyAndFloorControl) {
  auto sdp = BuildSdp(LmrOffer({EncryptionMode::kE2ee, 0x84, false}), 9).Serialise();
  EXPECT_NE(sdp.find("m=audio 40000 RTP/SAVP 100 96\r\n"), std::string::npos) << sdp;
  EXPECT_NE(sdp.find("a=rtpmap:96 AMR-WB/16000\r\n"), std::string::npos);
  EXPECT_NE(sdp.find("a=rtpmap:100 P25-IMBE/8000\r\n"), std::string::npos);
  EXPECT_NE(sdp.find("a=kb-lmr-encryption-mode:e2ee\r\n"), std::string::npos);
  EXPECT_NE(sdp.find("a=kb-lmr-encryption-algorithm:0x84\r\n"), std::string::npos);
  EXPECT_NE(sdp.find("a=key-mgmt:mikey AQIDBA==\r\n"), std::string::npos);
  EXPECT_NE(sdp.find("m=application 40002 udp MCPTT\r\na=fmtp:MCPTT mc_priority=7;mc_queueing"),
            std::string::npos);
}

TEST(CallOffer, BothEndsAgreeOnE2eeAndTheAlgid) {
  auto a = Negotiate(LmrOffer({EncryptionMode::kE2ee, 0x81, false}), Policy());
  ASSERT_TRUE(a) << a.error().ToString();
  EXPECT_EQ(a->codecs, std::vector<Codec>{Codec::kP25Imbe});
  EXPECT_EQ(a->lmr_encryption, (LmrEncryption{EncryptionMode::kE2ee, 0x81, false}));
  EXPECT_EQ(a->floor, (FloorControlOffer{50002, 7, true}));
  EXPECT_FALSE(a->mikey);  // the PCK goes one way, in the offer
}

TEST(CallOffer, AbsentAlgorithmIsChosenByTheAnswerer) {
  auto a = Negotiate(LmrOffer({EncryptionMode::kE2ee, std::nullopt, false}), Policy());
  ASSERT_TRUE(a) << a.error().ToString();
  EXPECT_EQ(a->lmr_encryption->algorithm_id, 0x84);
}

TEST(CallOffer, InMediaIndicationIsEchoed) {
  auto a = Negotiate(LmrOffer({EncryptionMode::kE2ee, std::nullopt, true}), Policy());
  ASSERT_TRUE(a) << a.error().ToString();
  EXPECT_TRUE(a->lmr_encryption->in_media);
  AnswerPolicy strict = Policy();
  strict.lmr.accept_in_media = false;
  auto r = Negotiate(LmrOffer({EncryptionMode::kE2ee, std::nullopt, true}), strict);
  ASSERT_FALSE(r);
  EXPECT_EQ(SipStatusFor(r.error()), 488);
}

TEST(CallOffer, ClearCallPrefersTheAnswerersCodec) {
  AnswerPolicy mc_only = Policy();
  mc_only.codecs = {Codec::kAmrWb};
  auto a = Negotiate(LmrOffer({EncryptionMode::kNone, std::nullopt, false}), mc_only);
  ASSERT_TRUE(a) << a.error().ToString();
  EXPECT_EQ(a->codecs, std::vector<Codec>{Codec::kAmrWb});
  EXPECT_EQ(a->lmr_encryption->mode, EncryptionMode::kNone);
}

TEST(CallOffer, AlgorithmMismatchIsRefusedWith488AndAReason) {
  AnswerPolicy aes_only = Policy();
  aes_only.lmr.algorithms = {0x84};
  auto r = Negotiate(LmrOffer({EncryptionMode::kE2ee, 0xAA, false}), aes_only);
  ASSERT_FALSE(r);
  EXPECT_EQ(SipStatusFor(r.error()), 488);
  EXPECT_EQ(SipReasonFor(r.error()),
            "Not Acceptable Here: LMR encryption algorithm 0xaa not supported");
}

TEST(CallOffer, ModeRulesAreEnforced) {
  AnswerPolicy must = Policy();
  must.lmr.require_e2ee = true;
  auto r1 = Negotiate(LmrOffer({EncryptionMode::kNone, std::nullopt, false}), must);
  ASSERT_FALSE(r1);
  EXPECT_NE(r1.error().message().find("required"), std::string::npos);
  AnswerPolicy never = Policy();
  never.lmr.allow_e2ee = false;
  auto r2 = Negotiate(LmrOffer({EncryptionMode::kE2ee, 0x84, false}), never);
  ASSERT_FALSE(r2);
  EXPECT_NE(r2.error().message().find("not allowed"), std::string::npos);
  // E2EE needs the LMR codec at both ends.
  AnswerPolicy mc_only = Policy();
  mc_only.codecs = {Codec::kAmrWb};
  auto r3 = Negotiate(LmrOffer({EncryptionMode::kE2ee, 0x84, false}), mc_only);
  ASSERT_FALSE(r3);
  EXPECT_NE(r3.error().message().find("needs the LMR codec"), std::string::npos);
}

TEST(CallOffer, OffererRefusesAnAnswerThatChangesTheAgreement) {
  CallMedia offer = LmrOffer({EncryptionMode::kE2ee, 0x84, false});
  CallMedia answer;
  answer.codecs = {Codec::kP25Imbe};
  answer.floor = FloorControlOffer{1, 0, false};
  answer.lmr_encryption = LmrEncryption{EncryptionMode::kE2ee, 0x81, false};
  LmrEncryptionPolicy mine;
  mine.algorithms = {0x84, 0x81};
  EXPECT_FALSE(CheckAnswer(offer, answer, mine));  // a different ALGID
  answer.lmr_encryption = LmrEncryption{EncryptionMode::kNone, std::nullopt, false};
  EXPECT_FALSE(CheckAnswer(offer, answer, mine));  // a different mode
  answer.lmr_encryption = LmrEncryption{EncryptionMode::kE2ee, 0x84, false};
  EXPECT_TRUE(CheckAnswer(offer, answer, mine));
  answer.codecs = {Codec::kAmrWb};
  EXPECT_FALSE(CheckAnswer(offer, answer, mine));  // E2EE with the MC codec
  answer.codecs = {Codec::kP25Imbe, Codec::kAmrWb};
  EXPECT_FALSE(CheckAnswer(offer, answer, mine));  // more than one codec
  // An offer without an algorithm: the answer's choice must be one we support.
  CallMedia open = LmrOffer({EncryptionMode::kE2ee, std::nullopt, false});
  answer.codecs = {Codec::kP25Imbe};
  answer.lmr_encryption = LmrEncryption{EncryptionMode::kE2ee, 0xAA, false};
  EXPECT_FALSE(CheckAnswer(open, answer, mine));
}

TEST(CallOffer, PrivateCallWithoutKeyMgmtIsRefused) {
  CallMedia offer = LmrOffer({EncryptionMode::kNone, std::nullopt, false});
  offer.mikey.reset();
  auto r = AnswerOffer(offer, CallType::kPrivate, Policy());
  ASSERT_FALSE(r);
  EXPECT_EQ(SipStatusFor(r.error()), 488);
  EXPECT_NE(r.error().message().find("key-mgmt"), std::string::npos);
  EXPECT_TRUE(AnswerOffer(offer, CallType::kGroup, Policy()));  // the GMK came beforehand
}

TEST(CallOffer, MalformedOffersAreRefused) {
  auto read = [](const std::string& extra_audio, const std::string& session = "") {
    std::string body = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
                       session + "m=audio 4000 RTP/SAVP 100\r\na=rtpmap:100 P25-IMBE/8000\r\n" +
                       extra_audio;
    auto sd = SessionDescription::Parse(body);
    EXPECT_TRUE(sd) << body;
    return ReadSdp(*sd);
  };
  EXPECT_TRUE(read("a=kb-lmr-encryption-mode:none\r\n"));
  auto no_mode = read("");
  ASSERT_FALSE(no_mode);
  EXPECT_NE(no_mode.error().message().find("Encryption mode is mandatory"), std::string::npos);
  EXPECT_EQ(SipStatusFor(no_mode.error()), 400);
  EXPECT_FALSE(read("a=kb-lmr-encryption-mode:maybe\r\n"));
  EXPECT_FALSE(read("a=kb-lmr-encryption-mode:e2ee\r\na=kb-lmr-encryption-algorithm:84\r\n"));
  EXPECT_FALSE(read("a=kb-lmr-encryption-mode:e2ee\r\na=kb-lmr-encryption-algorithm:0xZZ\r\n"));
  EXPECT_FALSE(read("a=kb-lmr-encryption-algorithm:0x84\r\n"));  // algorithm without mode
  EXPECT_FALSE(read("a=kb-lmr-encryption-mode:none\r\n", "a=key-mgmt:mikey !!!\r\n"));
  auto other = read("a=kb-lmr-encryption-mode:none\r\n", "a=key-mgmt:sdes abc\r\n");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().kind(), ErrorKind::kUnsupported);
  EXPECT_FALSE(read("a=kb-lmr-encryption-mode:none\r\n",
                    "a=key-mgmt:mikey AQ==\r\na=key-mgmt:mikey AQ==\r\n"));
  // No codec keybridge knows; plain RTP instead of SRTP; no audio.
  auto none = SessionDescription::Parse(
      "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\n"
      "m=audio 4000 RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\n");
  ASSERT_TRUE(none);
  EXPECT_FALSE(ReadSdp(*none));
  auto rtp = SessionDescription::Parse(
      "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\n"
      "m=audio 4000 RTP/AVP 96\r\na=rtpmap:96 AMR-WB/16000\r\n");
  ASSERT_TRUE(rtp);
  EXPECT_FALSE(ReadSdp(*rtp));
  auto no_audio = SessionDescription::Parse(
      "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\n");
  ASSERT_TRUE(no_audio);
  EXPECT_FALSE(ReadSdp(*no_audio));
}

TEST(KeyMgmt, RoundTripAndRefusals) {
  Bytes msg(700, 0x5a);
  auto back = ParseKeyMgmt(KeyMgmtValue(msg));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, msg);
  EXPECT_FALSE(ParseKeyMgmt("mikey"));
  EXPECT_FALSE(ParseKeyMgmt("mikey "));
  EXPECT_FALSE(ParseKeyMgmt("mikey " + std::string(4000, 'A')));
  EXPECT_EQ(ParseKeyMgmt("zrtp abc").error().kind(), ErrorKind::kUnsupported);
}

}  // namespace
}  // namespace kb::call
