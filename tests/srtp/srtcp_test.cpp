// RFC 7714 9 and 17.1: SRTCP with AES-128-GCM, the E flag, the SRTCP index and the MKI.
#include <gtest/gtest.h>

#include "srtp/key_derivation.h"
#include "srtp/srtp_session.h"
#include "testing/vectors.h"

namespace kb::srtp {
namespace {

using kb::testing::FindVector;
using kb::testing::Hex;
using kb::testing::LoadVectors;

Session VectorSession(const SessionPolicy& policy = {}) {
  auto v = FindVector(LoadVectors("srtp-gcm.json"), "rfc7714-srtcp-aes128-gcm");
  Bytes key = Hex(v["inputs"]["key"]);
  Bytes salt = Hex(v["inputs"]["salt"]);
  auto s = Session::Create(policy);
  EXPECT_TRUE(s);
  auto ctx = CryptoContext::FromSessionKeys(key, salt, key, salt);
  EXPECT_TRUE(ctx);
  EXPECT_TRUE(s->AddCryptoContext(Bytes(policy.mki_size, 0x5A), std::move(*ctx)));
  return std::move(*s);
}

const Bytes kMasterKey = Hex("59aaa49ebb54813602b7cc165961b4e8");
const Bytes kMasterSalt = Hex("745eb4df7d155c473114a799");

Session KeyedSession(const SessionPolicy& policy, ByteView mki) {
  auto s = Session::Create(policy);
  EXPECT_TRUE(s);
  EXPECT_TRUE(s->AddMasterKey(mki, kMasterKey, kMasterSalt));
  return std::move(*s);
}

TEST(SrtcpVector, Rfc7714Section17_1) {
  auto v = FindVector(LoadVectors("srtp-gcm.json"), "rfc7714-srtcp-aes128-gcm");
  Iv iv = SrtcpIv(Hex(v["inputs"]["salt"]), 0x4d617273, 0x5d4);
  EXPECT_EQ(Bytes(iv.begin(), iv.end()), Hex(v["outputs"]["iv"]));
  Bytes rtcp = Hex(v["inputs"]["rtcp_packet"]);
  Session tx = VectorSession();
  tx.SetNextSrtcpIndex(0x4d617273, 0x5d4);
  auto p = tx.ProtectRtcp(rtcp);
  ASSERT_TRUE(p) << p.error().ToString();
  EXPECT_EQ(*p, Hex(v["outputs"]["protected_packet"]));
  Session rx = VectorSession();
  auto back = rx.UnprotectRtcp(Hex(v["outputs"]["protected_packet"]));
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(*back, rtcp);
  // The same packet again is a replay.
  auto again = rx.UnprotectRtcp(Hex(v["outputs"]["protected_packet"]));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind(), ErrorKind::kReplay);
}

TEST(Srtcp, IndexIncrementsFromZeroPerSsrcAndMkiFollowsEIndex) {
  Bytes mki = KeyIdMki(0x20000007);  // a CSK-ID
  Session tx = KeyedSession({.mki_size = 4}, mki);
  Session rx = KeyedSession({.mki_size = 4}, mki);
  Bytes sr = Hex("80c8000600000001aaaaaaaabbbbbbbbccccccccdddddddd");
  Bytes rr = Hex("80c9000100000002");
  for (uint32_t i = 0; i < 3; ++i) {
    auto p = tx.ProtectRtcp(sr);
    ASSERT_TRUE(p);
    ASSERT_EQ(p->size(), sr.size() + 16 + 4 + 4);
    ByteView trailer = ByteView(*p).last(8);
    Bytes e_index = Hex("80000000");
    e_index[3] = static_cast<uint8_t>(i);
    EXPECT_EQ(Bytes(trailer.begin(), trailer.begin() + 4), e_index);
    EXPECT_EQ(Bytes(trailer.begin() + 4, trailer.end()), mki);
    auto back = rx.UnprotectRtcp(*p);
    ASSERT_TRUE(back) << back.error().ToString();
    EXPECT_EQ(*back, sr);
  }
  auto p = tx.ProtectRtcp(rr);  // another SSRC starts at index 0
  ASSERT_TRUE(p);
  EXPECT_EQ(Bytes(p->end() - 8, p->end() - 4), Hex("80000000"));
  EXPECT_TRUE(rx.UnprotectRtcp(*p));
}

TEST(Srtcp, UnencryptedPacketsCarryEZeroAndAreStillAuthenticated) {
  Session tx = KeyedSession({.encrypt_rtcp = false}, {});
  Session rx = KeyedSession({}, {});
  Bytes sr = Hex("80c8000600000001aaaaaaaabbbbbbbbccccccccdddddddd");
  tx.SetNextSrtcpIndex(1, 0x1234);
  auto p = tx.ProtectRtcp(sr);
  ASSERT_TRUE(p);
  EXPECT_TRUE(std::equal(sr.begin(), sr.end(), p->begin()));  // all in clear
  EXPECT_EQ(Bytes(p->end() - 4, p->end()), Hex("00001234"));
  // Setting E on an unencrypted packet, or changing the clear body, breaks the tag.
  Bytes e_set = *p;
  e_set[e_set.size() - 4] |= 0x80;
  EXPECT_EQ(rx.UnprotectRtcp(e_set).error().kind(), ErrorKind::kCryptoFailure);
  Bytes body = *p;
  body[10] ^= 1;
  EXPECT_EQ(rx.UnprotectRtcp(body).error().kind(), ErrorKind::kCryptoFailure);
  auto back = rx.UnprotectRtcp(*p);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(*back, sr);
}

TEST(Srtcp, TamperTruncationWrongMkiAndIndexExhaustion) {
  Bytes mki = KeyIdMki(0x20000007);
  Session tx = KeyedSession({.mki_size = 4}, mki);
  Bytes sr = Hex("80c8000600000001aaaaaaaabbbbbbbbccccccccdddddddd");
  auto p = tx.ProtectRtcp(sr);
  ASSERT_TRUE(p);
  for (size_t i = 1; i < p->size(); ++i) {
    Session rx = KeyedSession({.mki_size = 4}, mki);
    Bytes t = *p;
    t[i] ^= 0x02;
    auto r = rx.UnprotectRtcp(t);
    ASSERT_FALSE(r) << i;
    bool in_mki = i >= p->size() - 4;
    EXPECT_EQ(r.error().kind(), in_mki ? ErrorKind::kNotFound : ErrorKind::kCryptoFailure) << i;
  }
  Session rx = KeyedSession({.mki_size = 4}, mki);
  for (size_t n = 0; n < 8 + 16 + 4 + 4; ++n) {
    auto r = rx.UnprotectRtcp(ByteView(*p).first(n));
    ASSERT_FALSE(r) << n;
    EXPECT_EQ(r.error().kind(), ErrorKind::kTruncated) << n;
  }
  tx.SetNextSrtcpIndex(1, 0x7FFFFFFF);
  EXPECT_TRUE(tx.ProtectRtcp(sr));
  auto spent = tx.ProtectRtcp(sr);
  ASSERT_FALSE(spent);
  EXPECT_EQ(spent.error().kind(), ErrorKind::kExpired);
}

}  // namespace
}  // namespace kb::srtp
