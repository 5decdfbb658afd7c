// RFC 7714 8 and 16.1, RFC 3711 3.3, RFC 4771 mode 3, TS 33.180 7.4: SRTP protect/unprotect.
#include "srtp/srtp_session.h"

#include <gtest/gtest.h>

#include "srtp/key_derivation.h"
#include "srtp/rtp_header.h"
#include "testing/vectors.h"

namespace kb::srtp {
namespace {

using kb::testing::FindVector;
using kb::testing::Hex;
using kb::testing::LoadVectors;

Session MakeSession(const SessionPolicy& policy) {
  auto s = Session::Create(policy);
  EXPECT_TRUE(s) << s.error().ToString();
  return std::move(*s);
}

Session Rfc7714Session() {
  auto v = FindVector(LoadVectors("srtp-gcm.json"), "rfc7714-srtp-aes128-gcm");
  Bytes key = Hex(v["inputs"]["key"]);
  Bytes salt = Hex(v["inputs"]["salt"]);
  Session s = MakeSession({});
  auto ctx = CryptoContext::FromSessionKeys(key, salt, key, salt);
  EXPECT_TRUE(ctx);
  EXPECT_TRUE(s.AddCryptoContext({}, std::move(*ctx)));
  return s;
}

Bytes RtpPacket(uint32_t ssrc, uint16_t seq, ByteView payload, std::vector<uint32_t> csrcs = {}) {
  RtpHeader h;
  h.payload_type = 96;
  h.sequence_number = seq;
  h.timestamp = 160u * seq;
  h.ssrc = ssrc;
  h.csrcs = std::move(csrcs);
  ByteWriter w;
  EXPECT_TRUE(h.Encode(w));
  w.Append(payload);
  return std::move(w).Take();
}

const Bytes kMasterKey = Hex("59aaa49ebb54813602b7cc165961b4e8");
const Bytes kMasterSalt = Hex("745eb4df7d155c473114a799");
const Bytes kGmkMkiA = GmkMki(0x0633f457, 0x11111111);
const Bytes kGmkMkiB = GmkMki(0x0633f457, 0x22222222);

SessionPolicy GroupPolicy() { return SessionPolicy{.mki_size = 8, .roc_mode = RocMode::kRccm3}; }

TEST(SrtpVector, Rfc7714Section16_1ProtectGivesThePublishedPacket) {
  auto v = FindVector(LoadVectors("srtp-gcm.json"), "rfc7714-srtp-aes128-gcm");
  Iv iv = SrtpIv(Hex(v["inputs"]["salt"]), 0x5501a0b2, 0, 0xf17b);
  EXPECT_EQ(Bytes(iv.begin(), iv.end()), Hex(v["outputs"]["iv"]));
  Bytes packet = Hex(v["inputs"]["rtp_header"]);
  Bytes payload = Hex(v["inputs"]["payload"]);
  packet.insert(packet.end(), payload.begin(), payload.end());
  Session tx = Rfc7714Session();
  auto p = tx.ProtectRtp(packet);
  ASSERT_TRUE(p) << p.error().ToString();
  EXPECT_EQ(*p, Hex(v["outputs"]["protected_packet"]));
  Session rx = Rfc7714Session();
  auto back = rx.UnprotectRtp(Hex(v["outputs"]["protected_packet"]));
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(*back, packet);
  EXPECT_EQ(rx.ReceiveRoc(0x5501a0b2), 0u);
}

TEST(Srtp, RoundTripWithCsrcsAndHeaderExtensionAuthenticatesTheWholeHeader) {
  RtpHeader h;
  h.payload_type = 97;
  h.sequence_number = 7;
  h.ssrc = 0xabcdef01;
  h.csrcs = {0x10, 0x20};
  h.extension = RtpHeaderExtension{0xBEDE, Hex("10aa0000")};
  ByteWriter w;
  ASSERT_TRUE(h.Encode(w));
  w.Append(AsBytes("payload"));
  Bytes packet = std::move(w).Take();
  Session tx = MakeSession({});
  Session rx = MakeSession({});
  ASSERT_TRUE(tx.AddMasterKey({}, kMasterKey, kMasterSalt));
  ASSERT_TRUE(rx.AddMasterKey({}, kMasterKey, kMasterSalt));
  auto p = tx.ProtectRtp(packet);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->size(), packet.size() + 16);
  size_t hs = h.EncodedSize();
  ASSERT_EQ(hs, 28u);
  EXPECT_TRUE(std::equal(packet.begin(), packet.begin() + 28, p->begin()));  // header in clear
  EXPECT_FALSE(std::equal(packet.begin() + 28, packet.end(), p->begin() + 28));
  // Flipping a bit of the extension data or a CSRC (inside the AAD) must break the tag.
  for (size_t at : {hs - 2, size_t{15}}) {
    Bytes t = *p;
    t[at] ^= 0x01;
    auto r = rx.UnprotectRtp(t);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), ErrorKind::kCryptoFailure);
  }
  Bytes tampered = *p;
  tampered[hs - 1] ^= 0x01;
  auto bad = rx.UnprotectRtp(tampered);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind(), ErrorKind::kCryptoFailure);
  auto back = rx.UnprotectRtp(*p);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(*back, packet);
}

TEST(Srtp, TamperedHeaderPayloadTagAndMkiAreRejected) {
  Session tx = MakeSession(GroupPolicy());
  ASSERT_TRUE(tx.AddMasterKey(kGmkMkiA, kMasterKey, kMasterSalt));
  Bytes packet = RtpPacket(0x1234, 100, AsBytes("thirty-three octets of AMR-WB...."));
  auto p = tx.ProtectRtp(packet);
  ASSERT_TRUE(p);
  ASSERT_EQ(p->size(), packet.size() + 16 + 8 + 4);
  // Every single-octet change in header, ciphertext and tag must fail authentication; the MKI
  // selects no key; the ROC changes the IV.
  size_t tag_end = packet.size() + 16;
  for (size_t i = 0; i < p->size(); ++i) {
    Session rx = MakeSession(GroupPolicy());
    ASSERT_TRUE(rx.AddMasterKey(kGmkMkiA, kMasterKey, kMasterSalt));
    Bytes t = *p;
    t[i] ^= 0x40;
    auto r = rx.UnprotectRtp(t);
    ASSERT_FALSE(r) << "octet " << i;
    if (i < tag_end || i >= tag_end + 8) {
      if (i == 0) {
        EXPECT_EQ(r.error().kind(), ErrorKind::kMalformed) << "octet 0 holds V";
      } else {
        EXPECT_EQ(r.error().kind(), ErrorKind::kCryptoFailure) << "octet " << i;
      }
    } else {
      EXPECT_EQ(r.error().kind(), ErrorKind::kNotFound) << "octet " << i;
    }
  }
}

TEST(Srtp, ReplayIsRejectedAndReorderingAccepted) {
  Session tx = MakeSession({});
  Session rx = MakeSession({});
  ASSERT_TRUE(tx.AddMasterKey({}, kMasterKey, kMasterSalt));
  ASSERT_TRUE(rx.AddMasterKey({}, kMasterKey, kMasterSalt));
  std::vector<Bytes> sent;
  for (uint16_t seq = 10; seq < 20; ++seq) {
    auto p = tx.ProtectRtp(RtpPacket(0x42, seq, AsBytes("x")));
    ASSERT_TRUE(p);
    sent.push_back(*p);
  }
  ASSERT_TRUE(rx.UnprotectRtp(sent[5]));
  ASSERT_TRUE(rx.UnprotectRtp(sent[2]));  // late but inside the window
  ASSERT_TRUE(rx.UnprotectRtp(sent[9]));
  auto again = rx.UnprotectRtp(sent[5]);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind(), ErrorKind::kReplay);
  // The sender refuses to reuse an index (GCM IV reuse).
  auto reuse = tx.ProtectRtp(RtpPacket(0x42, 15, AsBytes("y")));
  ASSERT_FALSE(reuse);
  EXPECT_EQ(reuse.error().kind(), ErrorKind::kReplay);
}

TEST(Srtp, PacketsOlderThanTheWindowAreRejected) {
  Session tx = MakeSession({});
  Session rx = MakeSession({.replay_window = 64});
  ASSERT_TRUE(tx.AddMasterKey({}, kMasterKey, kMasterSalt));
  ASSERT_TRUE(rx.AddMasterKey({}, kMasterKey, kMasterSalt));
  auto old = tx.ProtectRtp(RtpPacket(7, 1000, AsBytes("old")));
  auto edge = tx.ProtectRtp(RtpPacket(7, 1001, AsBytes("edge")));
  auto now = tx.ProtectRtp(RtpPacket(7, 1064, AsBytes("now")));
  ASSERT_TRUE(old && edge && now);
  ASSERT_TRUE(rx.UnprotectRtp(*now));
  auto r = rx.UnprotectRtp(*old);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kReplay);
  EXPECT_TRUE(rx.UnprotectRtp(*edge));
}

// Implicit ROC: the receiver follows the sender over SEQ 65535 -> 0 by estimation.
TEST(Srtp, ImplicitRocFollowsTheRollover) {
  Session tx = MakeSession({});
  Session rx = MakeSession({});
  ASSERT_TRUE(tx.AddMasterKey({}, kMasterKey, kMasterSalt));
  ASSERT_TRUE(rx.AddMasterKey({}, kMasterKey, kMasterSalt));
  tx.SetRoc(9, 3);
  rx.SetRoc(9, 3);
  std::vector<Bytes> sent;
  for (uint32_t i = 0; i < 6; ++i) {
    auto p = tx.ProtectRtp(RtpPacket(9, static_cast<uint16_t>(65533 + i), AsBytes("abc")));
    ASSERT_TRUE(p);
    sent.push_back(*p);
  }
  EXPECT_EQ(tx.SendRoc(9), 4u);
  // Deliver out of order across the wrap: 65533, 0, 65535, 1, 65534, 2.
  for (size_t k : {0, 3, 2, 4, 1, 5}) {
    auto r = rx.UnprotectRtp(sent[k]);
    ASSERT_TRUE(r) << k << ": " << r.error().ToString();
  }
  EXPECT_EQ(rx.ReceiveRoc(9), 4u);
  // A receiver that joins after the wrap without knowing the ROC guesses 0 and fails.
  Session late = MakeSession({});
  ASSERT_TRUE(late.AddMasterKey({}, kMasterKey, kMasterSalt));
  auto r = late.UnprotectRtp(sent[4]);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kCryptoFailure);
}

// RCCm3 (R = 1): every packet carries the ROC after the MKI; a late joiner learns it.
TEST(SrtpRccm3, RolloverAndLateJoiner) {
  Session tx = MakeSession(GroupPolicy());
  Session rx = MakeSession(GroupPolicy());
  ASSERT_TRUE(tx.AddMasterKey(kGmkMkiA, kMasterKey, kMasterSalt));
  ASSERT_TRUE(rx.AddMasterKey(kGmkMkiA, kMasterKey, kMasterSalt));
  tx.SetRoc(0xCAFE, 0x0000ABCD);
  std::vector<Bytes> sent;
  for (uint32_t i = 0; i < 4; ++i) {
    auto p = tx.ProtectRtp(RtpPacket(0xCAFE, static_cast<uint16_t>(65534 + i), AsBytes("v")));
    ASSERT_TRUE(p);
    sent.push_back(*p);
  }
  // Layout: header (12) || ciphertext (1) || tag (16) || MKI (8) || ROC (4).
  ByteView tail = ByteView(sent[0]).last(12);
  EXPECT_EQ(Bytes(tail.begin(), tail.end()), Hex("0633f457111111110000abcd"));
  EXPECT_EQ(Bytes(sent[2].end() - 4, sent[2].end()), Hex("0000abce"));
  for (const auto& p : sent) {
    auto r = rx.UnprotectRtp(p);
    ASSERT_TRUE(r) << r.error().ToString();
  }
  EXPECT_EQ(rx.ReceiveRoc(0xCAFE), 0xABCEu);
  // Joins after the wrap, never told the ROC: learns it from the packet.
  Session late = MakeSession(GroupPolicy());
  ASSERT_TRUE(late.AddMasterKey(kGmkMkiA, kMasterKey, kMasterSalt));
  auto r = late.UnprotectRtp(sent[3]);
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(late.ReceiveRoc(0xCAFE), 0xABCEu);
  // Even a pre-wrap packet after that, inside the window, is placed by its carried ROC.
  EXPECT_TRUE(late.UnprotectRtp(sent[1]));
  auto replay = late.UnprotectRtp(sent[1]);
  ASSERT_FALSE(replay);
  EXPECT_EQ(replay.error().kind(), ErrorKind::kReplay);
  // A forged ROC changes the IV: the tag fails, and the stream state is unchanged.
  Bytes forged = sent[3];
  forged.back() ^= 0x01;
  auto f = late.UnprotectRtp(forged);
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().kind(), ErrorKind::kCryptoFailure);
  EXPECT_EQ(late.ReceiveRoc(0xCAFE), 0xABCEu);
}

// Group call: several senders, each with its own GUK-ID in the MKI and its own SSRC; the
// receiver holds one master key per sender and one stream per SSRC.
TEST(SrtpRccm3, SeveralSendersSelectedByMki) {
  Bytes key_b = Hex("00112233445566778899aabbccddeeff");
  Bytes salt_b = Hex("0102030405060708090a0b0c");
  Session a = MakeSession(GroupPolicy());
  Session b = MakeSession(GroupPolicy());
  Session rx = MakeSession(GroupPolicy());
  ASSERT_TRUE(a.AddMasterKey(kGmkMkiA, kMasterKey, kMasterSalt));
  ASSERT_TRUE(b.AddMasterKey(kGmkMkiB, key_b, salt_b));
  ASSERT_TRUE(rx.AddMasterKey(kGmkMkiA, kMasterKey, kMasterSalt));
  ASSERT_TRUE(rx.AddMasterKey(kGmkMkiB, key_b, salt_b));
  auto dup = rx.AddMasterKey(kGmkMkiB, key_b, salt_b);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().kind(), ErrorKind::kConflict);
  b.SetRoc(0xB, 2);
  for (uint16_t seq = 1; seq <= 3; ++seq) {
    auto pa = a.ProtectRtp(RtpPacket(0xA, seq, AsBytes("from a")));
    auto pb = b.ProtectRtp(RtpPacket(0xB, seq, AsBytes("from b")));
    ASSERT_TRUE(pa && pb);
    ASSERT_TRUE(rx.UnprotectRtp(*pa));
    ASSERT_TRUE(rx.UnprotectRtp(*pb));
  }
  EXPECT_EQ(rx.ReceiveRoc(0xA), 0u);
  EXPECT_EQ(rx.ReceiveRoc(0xB), 2u);
  // A packet under B's key with A's MKI fails its tag; an unknown MKI finds no key.
  auto pb = b.ProtectRtp(RtpPacket(0xB, 4, AsBytes("from b")));
  ASSERT_TRUE(pb);
  Bytes swapped = *pb;
  std::copy(kGmkMkiA.begin(), kGmkMkiA.end(), swapped.end() - 12);
  auto s = rx.UnprotectRtp(swapped);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind(), ErrorKind::kCryptoFailure);
  ASSERT_TRUE(rx.RemoveMasterKey(kGmkMkiB));
  auto gone = rx.UnprotectRtp(*pb);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().kind(), ErrorKind::kNotFound);
}

TEST(Srtp, SendKeySelectionByMki) {
  Bytes mki1 = KeyIdMki(0x10000001);
  Bytes mki2 = KeyIdMki(0x10000002);
  Session tx = MakeSession({.mki_size = 4});
  Session rx = MakeSession({.mki_size = 4});
  ASSERT_TRUE(tx.AddMasterKey(mki1, kMasterKey, kMasterSalt));
  ASSERT_TRUE(tx.AddMasterKey(mki2, Bytes(16, 7), kMasterSalt));
  ASSERT_TRUE(rx.AddMasterKey(mki2, Bytes(16, 7), kMasterSalt));
  auto p1 = tx.ProtectRtp(RtpPacket(1, 1, AsBytes("a")));
  ASSERT_TRUE(p1);
  EXPECT_EQ(Bytes(p1->end() - 4, p1->end()), mki1);
  auto r1 = rx.UnprotectRtp(*p1);
  ASSERT_FALSE(r1);
  EXPECT_EQ(r1.error().kind(), ErrorKind::kNotFound);
  ASSERT_TRUE(tx.SelectSendKey(mki2));
  EXPECT_FALSE(tx.RemoveMasterKey(mki2));  // selected
  auto p2 = tx.ProtectRtp(RtpPacket(1, 2, AsBytes("b")));
  ASSERT_TRUE(p2);
  EXPECT_EQ(Bytes(p2->end() - 4, p2->end()), mki2);
  EXPECT_TRUE(rx.UnprotectRtp(*p2));
  EXPECT_EQ(tx.SelectSendKey(KeyIdMki(3)).error().kind(), ErrorKind::kNotFound);
  EXPECT_FALSE(tx.AddMasterKey(Bytes(8, 0), kMasterKey, kMasterSalt));  // wrong MKI size
}

TEST(Srtp, TruncatedPacketsAreRejected) {
  Session tx = MakeSession(GroupPolicy());
  ASSERT_TRUE(tx.AddMasterKey(kGmkMkiA, kMasterKey, kMasterSalt));
  auto p = tx.ProtectRtp(RtpPacket(5, 5, {}));  // empty payload: header || tag || MKI || ROC
  ASSERT_TRUE(p);
  ASSERT_EQ(p->size(), 12u + 16 + 8 + 4);
  Session rx = MakeSession(GroupPolicy());
  ASSERT_TRUE(rx.AddMasterKey(kGmkMkiA, kMasterKey, kMasterSalt));
  for (size_t n = 0; n < p->size(); ++n) {
    auto r = rx.UnprotectRtp(ByteView(*p).first(n));
    ASSERT_FALSE(r) << n;
    EXPECT_EQ(r.error().kind(), ErrorKind::kTruncated) << n;
  }
  auto ok = rx.UnprotectRtp(*p);
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ(ok->size(), 12u);
}

TEST(Srtp, ProtectNeedsAKeyAndAValidHeader) {
  Session tx = MakeSession({});
  auto nokey = tx.ProtectRtp(RtpPacket(1, 1, AsBytes("a")));
  ASSERT_FALSE(nokey);
  EXPECT_EQ(nokey.error().kind(), ErrorKind::kNotFound);
  ASSERT_TRUE(tx.AddMasterKey({}, kMasterKey, kMasterSalt));
  EXPECT_EQ(tx.ProtectRtp(Hex("8060")).error().kind(), ErrorKind::kTruncated);
  EXPECT_EQ(tx.ProtectRtp(Hex("0060000100000000000000010000")).error().kind(),
            ErrorKind::kMalformed);
  EXPECT_FALSE(Session::Create({.mki_size = 5}));
  EXPECT_FALSE(Session::Create({.replay_window = 0}));
}

}  // namespace
}  // namespace kb::srtp
