// TS 33.180 Annex L.5 security gateway: per-group configuration (the TEK only for terminated
// groups) and the transcoding pipeline both ways with a tone that must keep its frequency.
#include "media/security_gateway.h"

#include <gtest/gtest.h>

#include "media/amr_wb_vocoder.h"
#include "media/codec2_standin_vocoder.h"
#include "media/p25_voice_payload.h"
#include "p25/algorithm_id.h"
#include "srtp/key_derivation.h"
#include "srtp/rtp_header.h"
#include "tone.h"

namespace kb::media {
namespace {

using testing::DominantFrequency;
using testing::Tone;

const Bytes kTekBytes(32, 0x5D);
const Bytes kClientKey(16, 0x01);
const Bytes kGatewayKey(16, 0x02);
const Bytes kSalt(12, 0x03);
const Bytes kClientMki = srtp::GmkMki(0x0C000001, 0x000000C1);
const Bytes kGatewayMki = srtp::GmkMki(0x0C000001, 0x000000C2);

SecurityGateway Gateway() {
  SecurityGateway gw;
  EXPECT_TRUE(gw.AddGroup({.group = "sip:fire@example.org",
                           .terminated = true,
                           .algid = p25::kAlgidAes256,
                           .kid = 0x0101,
                           .tek = SecretBytes(kTekBytes)}));
  EXPECT_TRUE(gw.AddGroup({.group = "sip:police@example.org", .terminated = false}));
  return gw;
}

std::unique_ptr<srtp::Session> McSrtp(bool gateway_side) {
  auto s = srtp::Session::Create({.mki_size = 8, .roc_mode = srtp::RocMode::kRccm3});
  EXPECT_TRUE(s);
  EXPECT_TRUE(s->AddMasterKey(gateway_side ? kGatewayMki : kClientMki,
                              gateway_side ? kGatewayKey : kClientKey, kSalt));
  EXPECT_TRUE(s->AddMasterKey(gateway_side ? kClientMki : kGatewayMki,
                              gateway_side ? kClientKey : kGatewayKey, kSalt));
  return std::make_unique<srtp::Session>(std::move(*s));
}

TEST(SecurityGateway, HoldsTeksOnlyForTerminatedGroups) {
  SecurityGateway gw = Gateway();
  EXPECT_TRUE(gw.Terminates("sip:fire@example.org"));
  EXPECT_TRUE(gw.HoldsTek("sip:fire@example.org"));
  EXPECT_FALSE(gw.Terminates("sip:police@example.org"));
  EXPECT_FALSE(gw.HoldsTek("sip:police@example.org"));
  EXPECT_EQ(gw.tek_count(), 1u);
  // A TEK offered for a group that is not terminated is refused, not stored.
  auto s = gw.AddGroup(
      {.group = "sip:ems@example.org", .terminated = false, .tek = SecretBytes(Bytes(32, 0x77))});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind(), ErrorKind::kInvalidArgument);
  EXPECT_EQ(s.error().message().find("77"), std::string::npos);
  EXPECT_FALSE(gw.HoldsTek("sip:ems@example.org"));
  EXPECT_EQ(gw.tek_count(), 1u);
  // A terminated group needs its TEK; duplicates are conflicts.
  EXPECT_FALSE(gw.AddGroup({.group = "sip:ems@example.org", .terminated = true}));
  EXPECT_FALSE(gw.AddGroup({.group = "sip:ems@example.org",
                            .terminated = true,
                            .algid = p25::kAlgidClear,
                            .tek = SecretBytes(Bytes(32, 1))}));
  EXPECT_EQ(gw.AddGroup({.group = "sip:police@example.org"}).error().kind(), ErrorKind::kConflict);
  // No call can be opened for a group whose media is relayed end to end.
  auto call = gw.OpenCall("sip:police@example.org", {}, McSrtp(true));
  ASSERT_FALSE(call);
  EXPECT_EQ(call.error().kind(), ErrorKind::kNotFound);
  EXPECT_FALSE(gw.OpenCall("sip:nobody@example.org", {}, McSrtp(true)));
  ASSERT_TRUE(gw.RemoveGroup("sip:fire@example.org"));
  EXPECT_EQ(gw.tek_count(), 0u);
  EXPECT_FALSE(gw.OpenCall("sip:fire@example.org", {}, McSrtp(true)));
}

TEST(SecurityGateway, McToLmrKeepsTheToneAndEncryptsWithTheTek) {
  SecurityGateway gw = Gateway();
  auto call = gw.OpenCall("sip:fire@example.org",
                          {.mc_ssrc = 0x6A000001, .first_mi = p25::MessageIndicator(0xABCDEFu)},
                          McSrtp(true));
  ASSERT_TRUE(call) << call.error().ToString();
  EXPECT_TRUE((*call)->lmr_codec().stand_in());
  // The MC client: 1 s of a 700 Hz tone, AMR-WB, RTP, SRTP.
  auto client_srtp = McSrtp(false);
  auto amr = AmrWbVocoder::Create();
  ASSERT_TRUE(amr);
  auto pcm = Tone(700, 16000, 16000 * 54 / 50, 8000);  // 54 frames = 6 LDUs
  Bytes coded(33);
  std::vector<P25LduPayload> ldus;
  for (uint16_t i = 0; i < 54; ++i) {
    ASSERT_TRUE((*amr)->Encode(std::span(pcm).subspan(320u * i, 320), coded));
    srtp::RtpHeader h{
        .payload_type = 97, .sequence_number = i, .timestamp = 320u * i, .ssrc = 0xC1000001};
    ByteWriter w;
    ASSERT_TRUE(h.Encode(w));
    w.Append(AmrWbRtpPayload(coded));
    auto packet = client_srtp->ProtectRtp(std::move(w).Take());
    ASSERT_TRUE(packet);
    auto out = (*call)->FromMc(*packet);
    ASSERT_TRUE(out) << out.error().ToString();
    if (out->has_value()) ldus.push_back(**out);
  }
  ASSERT_EQ(ldus.size(), 6u);
  // The LMR radio: decrypt with the TEK, decode the stand-in.
  P25VoiceDecryptor dec(p25::kAlgidAes256, 0x0101, SecretBytes(kTekBytes));
  auto lmr = Codec2StandInVocoder::Create();
  ASSERT_TRUE(lmr);
  std::vector<int16_t> heard;
  for (const auto& ldu : ldus) {
    EXPECT_EQ(ldu.algid, p25::kAlgidAes256);
    EXPECT_EQ(ldu.kid, 0x0101);
    auto wire = P25LduPayload::Decode(ldu.Encode());
    ASSERT_TRUE(wire);
    auto frames = dec.Open(*wire);
    ASSERT_TRUE(frames);
    for (const auto& f : *frames) {
      std::vector<int16_t> out(160);
      ASSERT_TRUE((*lmr)->Decode(f, out)) << "frame did not decrypt to a stand-in frame";
      heard.insert(heard.end(), out.begin(), out.end());
    }
    // Without the TEK the frames are not stand-in frames (their padding is not zero).
    std::vector<int16_t> scratch(160);
    EXPECT_FALSE((*lmr)->Decode(ldu.frames[0], scratch));
  }
  EXPECT_NEAR(DominantFrequency(std::span(heard).subspan(1600), 8000, 200, 3800, 10), 700, 40);
}

TEST(SecurityGateway, LmrToMcKeepsTheToneAndProtectsWithSrtp) {
  SecurityGateway gw = Gateway();
  auto call = gw.OpenCall("sip:fire@example.org", {.mc_ssrc = 0x6A000001}, McSrtp(true));
  ASSERT_TRUE(call);
  // The LMR radio: 1.08 s of a 600 Hz tone, stand-in codec, encrypted with the TEK.
  auto lmr = Codec2StandInVocoder::Create();
  ASSERT_TRUE(lmr);
  auto enc = P25VoiceEncryptor::Create(p25::kAlgidAes256, 0x0101, SecretBytes(kTekBytes),
                                       p25::MessageIndicator(0x42u));
  ASSERT_TRUE(enc);
  auto pcm = Tone(600, 8000, 160 * 54, 8000);
  auto client_srtp = McSrtp(false);
  auto amr = AmrWbVocoder::Create();
  ASSERT_TRUE(amr);
  std::vector<int16_t> heard;
  for (size_t l = 0; l < 6; ++l) {
    LduFrames frames{};
    for (size_t f = 0; f < 9; ++f) {
      ASSERT_TRUE((*lmr)->Encode(std::span(pcm).subspan(160 * (9 * l + f), 160), frames[f]));
    }
    auto ldu = enc->Seal(frames);
    ASSERT_TRUE(ldu);
    auto packets = (*call)->FromLmr(*ldu);
    ASSERT_TRUE(packets) << packets.error().ToString();
    ASSERT_EQ(packets->size(), 9u);
    for (const Bytes& p : *packets) {
      auto rtp = client_srtp->UnprotectRtp(p);
      ASSERT_TRUE(rtp) << rtp.error().ToString();
      ByteReader r(*rtp);
      auto h = srtp::RtpHeader::Decode(r);
      ASSERT_TRUE(h);
      EXPECT_EQ(h->ssrc, 0x6A000001u);
      EXPECT_EQ(h->payload_type, 97);
      auto frame = AmrWbStorageFrame(r.Rest());
      ASSERT_TRUE(frame);
      std::vector<int16_t> out(320);
      ASSERT_TRUE((*amr)->Decode(*frame, out));
      heard.insert(heard.end(), out.begin(), out.end());
    }
  }
  EXPECT_NEAR(DominantFrequency(std::span(heard).subspan(3200), 16000, 200, 7000, 10), 600, 40);
}

TEST(SecurityGateway, RejectsForgedSrtpAndWrongLmrKeys) {
  SecurityGateway gw = Gateway();
  auto call = gw.OpenCall("sip:fire@example.org", {.mc_ssrc = 1}, McSrtp(true));
  ASSERT_TRUE(call);
  auto client_srtp = McSrtp(false);
  srtp::RtpHeader h{.payload_type = 97, .sequence_number = 1, .ssrc = 2};
  ByteWriter w;
  ASSERT_TRUE(h.Encode(w));
  w.Append(Bytes(34, 0));
  auto packet = client_srtp->ProtectRtp(std::move(w).Take());
  ASSERT_TRUE(packet);
  (*packet)[14] ^= 1;
  auto r = (*call)->FromMc(*packet);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kCryptoFailure);
  // An LDU under another KID is not for this gateway's key.
  auto enc = P25VoiceEncryptor::Create(p25::kAlgidAes256, 0x0202, SecretBytes(kTekBytes),
                                       p25::MessageIndicator(0x42u));
  ASSERT_TRUE(enc);
  auto ldu = enc->Seal(LduFrames{});
  ASSERT_TRUE(ldu);
  EXPECT_EQ((*call)->FromLmr(*ldu).error().kind(), ErrorKind::kWrongRecipient);
}

}  // namespace
}  // namespace kb::media
