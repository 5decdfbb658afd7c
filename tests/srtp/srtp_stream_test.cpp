// RFC 3711 3.3 / RFC 7714 / RFC 4771 mode 3 over whole streams, through the in-place API: ROC
// rollover across 2^16 packets, a rekey in mid-stream (MKI switch without a gap), loss and
// reordering inside the replay window, and tampered packets.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "srtp/key_derivation.h"
#include "srtp/rtp_header.h"
#include "srtp/srtp_session.h"

namespace kb::srtp {
namespace {

constexpr uint32_t kSsrc = 0x5eed1234;
const Bytes kKeyA(16, 0xA1);
const Bytes kSaltA(12, 0x5A);
const Bytes kKeyB(16, 0xB2);
const Bytes kSaltB(12, 0x6B);
const Bytes kMkiA = GmkMki(0x10000001, 0x20000001);
const Bytes kMkiB = GmkMki(0x10000002, 0x20000001);

Session Make(RocMode mode, size_t window = 64) {
  auto s = Session::Create({.mki_size = 8, .roc_mode = mode, .replay_window = window});
  EXPECT_TRUE(s);
  EXPECT_TRUE(s->AddMasterKey(kMkiA, kKeyA, kSaltA));
  return std::move(*s);
}

Bytes Rtp(uint16_t seq) {
  RtpHeader h;
  h.payload_type = 97;
  h.sequence_number = seq;
  h.timestamp = 320u * seq;
  h.ssrc = kSsrc;
  ByteWriter w;
  EXPECT_TRUE(h.Encode(w));
  for (int i = 0; i < 33; ++i) w.U8(static_cast<uint8_t>(seq * 3 + i));
  return std::move(w).Take();
}

// Protects in place into a fresh buffer.
Bytes Protect(Session& tx, uint16_t seq) {
  Bytes rtp = Rtp(seq);
  Bytes buf = rtp;
  buf.resize(rtp.size() + tx.RtpOverhead());
  auto n = tx.ProtectRtpInPlace(buf, rtp.size());
  EXPECT_TRUE(n) << n.error().ToString();
  buf.resize(n ? *n : 0);
  return buf;
}

// Unprotects a copy in place; returns the RTP packet or the error.
Result<Bytes> Unprotect(Session& rx, ByteView srtp) {
  Bytes buf(srtp.begin(), srtp.end());
  KB_TRY(size_t n, rx.UnprotectRtpInPlace(buf));
  buf.resize(n);
  return buf;
}

class SrtpStreamTest : public ::testing::TestWithParam<RocMode> {};

TEST_P(SrtpStreamTest, RocRollsOverAcross65536Packets) {
  Session tx = Make(GetParam());
  Session rx = Make(GetParam());
  constexpr uint32_t kCount = 65536 + 300;
  uint16_t seq = 65000;  // the rollover comes early and the stream goes on past a full cycle
  Bytes first_cycle;
  // One template and one buffer, patched per packet (no allocation: the loop is long).
  Bytes rtp = Rtp(seq);
  Bytes buf(rtp.size() + tx.RtpOverhead());
  for (uint32_t i = 0; i < kCount; ++i, ++seq) {
    rtp[2] = static_cast<uint8_t>(seq >> 8);
    rtp[3] = static_cast<uint8_t>(seq);
    std::copy(rtp.begin(), rtp.end(), buf.begin());
    auto n = tx.ProtectRtpInPlace(buf, rtp.size());
    ASSERT_TRUE(n) << "packet " << i << ": " << n.error().ToString();
    ASSERT_EQ(*n, buf.size());
    if (i == 100) first_cycle = buf;
    auto back = rx.UnprotectRtpInPlace(buf);
    ASSERT_TRUE(back) << "packet " << i << ": " << back.error().ToString();
    ASSERT_EQ(*back, rtp.size());
    ASSERT_TRUE(std::equal(rtp.begin(), rtp.end(), buf.begin())) << "packet " << i;
  }
  EXPECT_EQ(tx.SendRoc(kSsrc), 1u);
  EXPECT_EQ(rx.ReceiveRoc(kSsrc), 1u);
  // The sender refuses a SEQ it already used in this cycle (GCM must not reuse an IV), and the
  // receiver refuses a replay of a packet from the previous cycle.
  Bytes again = Rtp(static_cast<uint16_t>(seq - 1));
  again.resize(again.size() + tx.RtpOverhead());
  auto reused = tx.ProtectRtpInPlace(again, again.size() - tx.RtpOverhead());
  ASSERT_FALSE(reused);
  EXPECT_EQ(reused.error().kind(), ErrorKind::kReplay);
  EXPECT_FALSE(Unprotect(rx, first_cycle));
}

TEST_P(SrtpStreamTest, RekeyMidStreamSwitchesMkiWithoutAGap) {
  Session tx = Make(GetParam());
  Session rx = Make(GetParam());
  std::vector<Bytes> sent;
  for (uint16_t seq = 100; seq < 110; ++seq) sent.push_back(Protect(tx, seq));
  // The new key reaches the receiver first (the GMS distributes it), then the sender switches.
  ASSERT_TRUE(rx.AddMasterKey(kMkiB, kKeyB, kSaltB));
  ASSERT_TRUE(tx.AddMasterKey(kMkiB, kKeyB, kSaltB));
  ASSERT_TRUE(tx.SelectSendKey(kMkiB));
  for (uint16_t seq = 110; seq < 120; ++seq) sent.push_back(Protect(tx, seq));
  size_t mki_at = sent[0].size() - 8 - (GetParam() == RocMode::kRccm3 ? 4 : 0);
  EXPECT_TRUE(std::equal(kMkiA.begin(), kMkiA.end(), sent[9].begin() + mki_at));
  EXPECT_TRUE(std::equal(kMkiB.begin(), kMkiB.end(), sent[10].begin() + mki_at));
  // Delivery with the last old-key packet arriving after the first new-key one.
  std::swap(sent[9], sent[10]);
  for (size_t i = 0; i < sent.size(); ++i) {
    auto back = Unprotect(rx, sent[i]);
    ASSERT_TRUE(back) << i << ": " << back.error().ToString();
  }
  EXPECT_EQ(rx.ReceiveRoc(kSsrc), 0u);
  // Once the old key is retired, its packets are refused by MKI.
  Session tx_old = Make(GetParam());
  Bytes old = Protect(tx_old, 200);
  ASSERT_TRUE(rx.SelectSendKey(kMkiB));  // (the receiver's own sending rekeyed too)
  ASSERT_TRUE(rx.RemoveMasterKey(kMkiA));
  auto r = Unprotect(rx, old);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kNotFound);
  // The retired key can no longer be selected for sending either.
  ASSERT_TRUE(tx.RemoveMasterKey(kMkiA));
  EXPECT_FALSE(tx.SelectSendKey(kMkiA));
}

TEST_P(SrtpStreamTest, LossAndReorderingInsideTheWindow) {
  Session tx = Make(GetParam(), 64);
  Session rx = Make(GetParam(), 64);
  std::vector<Bytes> sent;
  for (uint16_t seq = 0; seq < 400; ++seq) sent.push_back(Protect(tx, seq));
  // Lose every 7th packet; shuffle the rest in blocks of 32 (< the 64-packet window).
  std::vector<size_t> order;
  for (size_t i = 0; i < sent.size(); ++i) {
    if (i % 7 != 3) order.push_back(i);
  }
  std::mt19937 rng(7);
  for (size_t b = 0; b < order.size(); b += 32) {
    std::shuffle(order.begin() + static_cast<std::ptrdiff_t>(b),
                 order.begin() + static_cast<std::ptrdiff_t>(std::min(b + 32, order.size())), rng);
  }
  for (size_t i : order) {
    auto back = Unprotect(rx, sent[i]);
    ASSERT_TRUE(back) << "packet " << i << ": " << back.error().ToString();
    EXPECT_EQ(*back, Rtp(static_cast<uint16_t>(i)));
  }
  // Duplicates inside the window, and a lost packet now older than the window, are refused.
  auto dup = Unprotect(rx, sent[399]);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().kind(), ErrorKind::kReplay);
  auto late = Unprotect(rx, sent[3]);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().kind(), ErrorKind::kReplay);
  // A lost packet still inside the window is accepted when it finally arrives.
  size_t lost_recent = 395;  // 395 % 7 == 3
  ASSERT_EQ(lost_recent % 7, 3u);
  EXPECT_TRUE(Unprotect(rx, sent[lost_recent]));
}

TEST_P(SrtpStreamTest, TamperedPacketsAreRejectedAndChangeNothing) {
  Session tx = Make(GetParam());
  Session rx = Make(GetParam());
  ASSERT_TRUE(Unprotect(rx, Protect(tx, 1)));
  Bytes p = Protect(tx, 2);
  for (size_t i = 0; i < p.size(); ++i) {
    for (uint8_t bit : {uint8_t{0x01}, uint8_t{0x80}}) {
      Bytes t = p;
      t[i] ^= bit;
      auto r = Unprotect(rx, t);
      EXPECT_FALSE(r) << "octet " << i << " bit " << int{bit} << " was accepted";
    }
  }
  // Truncations of every length are refused too.
  for (size_t n = 0; n < p.size(); ++n) {
    EXPECT_FALSE(Unprotect(rx, ByteView(p).first(n))) << "truncated to " << n;
  }
  // None of the forgeries moved the stream: the genuine packet still passes, once.
  auto ok = Unprotect(rx, p);
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ(*ok, Rtp(2));
  EXPECT_FALSE(Unprotect(rx, p));
}

TEST_P(SrtpStreamTest, InPlaceProtectNeedsRoomAndMatchesTheCopyingApi) {
  Session tx = Make(GetParam());
  Session tx2 = Make(GetParam());
  Bytes rtp = Rtp(5);
  Bytes small = rtp;
  small.resize(rtp.size() + tx.RtpOverhead() - 1);
  auto r = tx.ProtectRtpInPlace(small, rtp.size());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kInvalidArgument);
  EXPECT_TRUE(std::equal(rtp.begin(), rtp.end(), small.begin()));  // left unchanged
  auto copied = tx2.ProtectRtp(rtp);
  ASSERT_TRUE(copied);
  EXPECT_EQ(Protect(tx, 5), *copied);
}

INSTANTIATE_TEST_SUITE_P(Modes, SrtpStreamTest,
                         ::testing::Values(RocMode::kImplicit, RocMode::kRccm3),
                         [](const ::testing::TestParamInfo<RocMode>& p) {
                           return p.param == RocMode::kRccm3 ? std::string("Rccm3")
                                                             : std::string("ImplicitRoc");
                         });

}  // namespace
}  // namespace kb::srtp
