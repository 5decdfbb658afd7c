// TS 33.180 Annex K.2 over real UDP sockets on loopback: an emulated P25 radio's encrypted
// voice (TIA-102.AAAD, AES-256 TEK) crosses the IWF relay, which holds no TEK, into 3GPP SRTP
// toward an LMR-aware MC client, which removes SRTP then the LMR encryption and recovers the
// IMBE frames bit-exact; and the reverse direction.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>

#include "media/p25_voice_payload.h"
#include "media/p25_voice_stream.h"
#include "media/rtp_session.h"
#include "media/voice_relay.h"
#include "p25/algorithm_id.h"
#include "srtp/key_derivation.h"

namespace kb::media {
namespace {

constexpr uint8_t kP25Pt = 100;
constexpr uint16_t kKid = 0x0042;
const Bytes kRelayKey(16, 0x71);
const Bytes kClientKey(16, 0x72);
const Bytes kSalt(12, 0x73);
const Bytes kRelayMki = srtp::GmkMki(0xAAAA0001, 0x11111111);
const Bytes kClientMki = srtp::GmkMki(0xAAAA0001, 0x22222222);

SecretBytes Tek() { return SecretBytes(Bytes(32, 0xE7)); }

// The MC leg's SRTP: the group profile (8-octet MKI, RCCm3); each end sends under its own
// GUK-ID-derived key and knows the other's.
std::unique_ptr<srtp::Session> McSrtp(bool relay_side) {
  auto s = srtp::Session::Create({.mki_size = 8, .roc_mode = srtp::RocMode::kRccm3});
  EXPECT_TRUE(s);
  const Bytes& own_mki = relay_side ? kRelayMki : kClientMki;
  const Bytes& own_key = relay_side ? kRelayKey : kClientKey;
  const Bytes& peer_mki = relay_side ? kClientMki : kRelayMki;
  const Bytes& peer_key = relay_side ? kClientKey : kRelayKey;
  EXPECT_TRUE(s->AddMasterKey(own_mki, own_key, kSalt));  // the first is the send key
  EXPECT_TRUE(s->AddMasterKey(peer_mki, peer_key, kSalt));
  return std::make_unique<srtp::Session>(std::move(*s));
}

void RunUntil(boost::asio::io_context& io, const std::function<bool()>& done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.run_for(std::chrono::milliseconds(5));
  }
}

struct Endpoint {
  std::unique_ptr<RtpSession> rtp;
  std::vector<P25LduPayload> received;
};

class E2eeRelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    radio_.rtp = std::make_unique<RtpSession>(
        io_, RtpSessionConfig{.name = "radio", .ssrc = 0xA0000001, .payload_type = kP25Pt},
        nullptr);
    client_.rtp = std::make_unique<RtpSession>(
        io_, RtpSessionConfig{.name = "client", .ssrc = 0xC0000001, .payload_type = kP25Pt},
        McSrtp(false));
    lmr_leg_ = std::make_unique<RtpSession>(
        io_, RtpSessionConfig{.name = "iwf-lmr", .ssrc = 0xB0000001, .payload_type = kP25Pt},
        nullptr);
    mc_leg_ = std::make_unique<RtpSession>(
        io_, RtpSessionConfig{.name = "iwf-mc", .ssrc = 0xB0000002, .payload_type = kP25Pt},
        McSrtp(true));
    for (RtpSession* s : {radio_.rtp.get(), client_.rtp.get(), lmr_leg_.get(), mc_leg_.get()}) {
      ASSERT_TRUE(s->Open());
    }
    radio_.rtp->SetRemote("127.0.0.1", lmr_leg_->local_port());
    lmr_leg_->SetRemote("127.0.0.1", radio_.rtp->local_port());
    client_.rtp->SetRemote("127.0.0.1", mc_leg_->local_port());
    mc_leg_->SetRemote("127.0.0.1", client_.rtp->local_port());
    relay_ = std::make_unique<VoiceRelay>(*lmr_leg_, *mc_leg_);
    relay_->Start();
    for (Endpoint* e : {&radio_, &client_}) {
      e->rtp->Start([e](const RtpFrame& f) {
        auto p = P25LduPayload::Decode(f.payload);
        ASSERT_TRUE(p) << p.error().ToString();
        e->received.push_back(*p);
      });
    }
  }

  // Sends n LDUs of synthetic IMBE from one end; returns the clear frames.
  std::vector<LduFrames> Talk(Endpoint& from, uint64_t seed, p25::MessageIndicator mi, int n) {
    auto enc = P25VoiceEncryptor::Create(p25::kAlgidAes256, kKid, Tek(), mi);
    EXPECT_TRUE(enc);
    SyntheticImbeSource src(seed);
    std::vector<LduFrames> clear;
    for (int i = 0; i < n; ++i) {
      clear.push_back(src.NextLdu());
      auto p = enc->Seal(clear.back());
      EXPECT_TRUE(p);
      EXPECT_TRUE(
          from.rtp->Send(p->Encode(), static_cast<uint32_t>(i) * kP25LduTimestampStep, i == 0));
      io_.poll();
    }
    return clear;
  }

  // The listener decrypts what reached it and compares bit for bit.
  void ExpectRecovered(const Endpoint& at, const std::vector<LduFrames>& clear) {
    ASSERT_EQ(at.received.size(), clear.size());
    P25VoiceDecryptor dec(p25::kAlgidAes256, kKid, Tek());
    for (size_t i = 0; i < clear.size(); ++i) {
      for (size_t f = 0; f < clear[i].size(); ++f) {
        EXPECT_NE(at.received[i].frames[f], clear[i][f]);  // the IWF only ever saw ciphertext
      }
      auto back = dec.Open(at.received[i]);
      ASSERT_TRUE(back) << back.error().ToString();
      EXPECT_EQ(*back, clear[i]) << "LDU " << i;
    }
  }

  boost::asio::io_context io_;
  Endpoint radio_;
  Endpoint client_;
  std::unique_ptr<RtpSession> lmr_leg_;
  std::unique_ptr<RtpSession> mc_leg_;
  std::unique_ptr<VoiceRelay> relay_;
};

TEST_F(E2eeRelayTest, RadioToClientThroughTheRelay) {
  auto clear = Talk(radio_, 11, p25::MessageIndicator(0x0123456789ABCDEFu), 8);
  RunUntil(io_, [&] { return client_.received.size() == clear.size(); });
  ExpectRecovered(client_, clear);
  EXPECT_EQ(relay_->counters().lmr_to_mc, 8u);
  EXPECT_EQ(client_.rtp->counters().rejected, 0u);
  EXPECT_EQ(client_.rtp->srtp()->ReceiveRoc(0xB0000002), 0u);  // it really came through SRTP
}

TEST_F(E2eeRelayTest, ClientToRadioThroughTheRelay) {
  auto clear = Talk(client_, 22, p25::MessageIndicator(0x0FEDCBA987654321u), 6);
  RunUntil(io_, [&] { return radio_.received.size() == clear.size(); });
  ExpectRecovered(radio_, clear);
  EXPECT_EQ(relay_->counters().mc_to_lmr, 6u);
}

TEST_F(E2eeRelayTest, BothDirectionsInTurnAndForgedSrtpIsDropped) {
  auto down = Talk(radio_, 33, p25::MessageIndicator(0x1111222233334444u), 4);
  RunUntil(io_, [&] { return client_.received.size() == down.size(); });
  auto up = Talk(client_, 44, p25::MessageIndicator(0x5555666677778888u), 4);
  RunUntil(io_, [&] { return radio_.received.size() == up.size(); });
  ExpectRecovered(client_, down);
  ExpectRecovered(radio_, up);
  // A sender without the MC leg's keys: its packets are dropped at the relay's MC leg.
  auto wrong = srtp::Session::Create({.mki_size = 8, .roc_mode = srtp::RocMode::kRccm3});
  ASSERT_TRUE(wrong);
  ASSERT_TRUE(wrong->AddMasterKey(kClientMki, Bytes(16, 0x99), kSalt));
  RtpSession intruder(io_, {.name = "intruder", .ssrc = 0xC0000001, .payload_type = kP25Pt},
                      std::make_unique<srtp::Session>(std::move(*wrong)));
  ASSERT_TRUE(intruder.Open());
  intruder.SetRemote("127.0.0.1", mc_leg_->local_port());
  ASSERT_TRUE(intruder.Send(Bytes(kP25LduPayloadSize, 0x10), 0));
  RunUntil(io_, [&] { return mc_leg_->counters().rejected == 1; });
  EXPECT_EQ(mc_leg_->counters().rejected, 1u);
  EXPECT_EQ(relay_->counters().mc_to_lmr, 4u);
}

}  // namespace
}  // namespace kb::media
