// RFC 7714 AEAD_AES_128_GCM interop against libsrtp 2.5.0 (Debian libsrtp2-dev) where the two
// overlap: SRTP and SRTCP, with and without an MKI, across a ROC rollover, both directions.
// libsrtp has no RCC (mc-security.md 13.5), so RCCm3 is not cross-checked here.
#include <gtest/gtest.h>
#include <srtp2/srtp.h>

#include <cstring>
#include <optional>

#include "srtp/key_derivation.h"
#include "srtp/rtp_header.h"
#include "srtp/srtp_session.h"
#include "testing/vectors.h"

namespace kb::srtp {
namespace {

using kb::testing::Hex;

const Bytes kMasterKey = Hex("59aaa49ebb54813602b7cc165961b4e8");
const Bytes kMasterSalt = Hex("745eb4df7d155c473114a799");
const Bytes kMki = GmkMki(0x0633f457, 0x0abc0def);

// One libsrtp session (inbound or outbound, any SSRC) with the test master key.
class LibSrtp {
 public:
  LibSrtp(bool inbound, bool use_mki) : use_mki_(use_mki) {
    static const bool kInit = srtp_init() == srtp_err_status_ok;
    EXPECT_TRUE(kInit);
    key_.assign(kMasterKey.begin(), kMasterKey.end());
    key_.insert(key_.end(), kMasterSalt.begin(), kMasterSalt.end());
    mki_ = kMki;
    srtp_policy_t policy;
    std::memset(&policy, 0, sizeof(policy));
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
    policy.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
    policy.window_size = 128;
    master_ = srtp_master_key_t{key_.data(), mki_.data(), static_cast<unsigned>(mki_.size())};
    master_list_[0] = &master_;
    if (use_mki) {
      policy.keys = master_list_;
      policy.num_master_keys = 1;
    } else {
      policy.key = key_.data();
    }
    EXPECT_EQ(srtp_create(&session_, &policy), srtp_err_status_ok);
  }
  ~LibSrtp() {
    if (session_ != nullptr) srtp_dealloc(session_);
  }
  LibSrtp(const LibSrtp&) = delete;
  LibSrtp& operator=(const LibSrtp&) = delete;

  std::optional<Bytes> Protect(ByteView rtp) { return Run(rtp, false, true); }
  std::optional<Bytes> Unprotect(ByteView srtp) { return Run(srtp, false, false); }
  std::optional<Bytes> ProtectRtcp(ByteView rtcp) { return Run(rtcp, true, true); }
  std::optional<Bytes> UnprotectRtcp(ByteView srtcp) { return Run(srtcp, true, false); }
  void SetRoc(uint32_t ssrc, uint32_t roc) {
    EXPECT_EQ(srtp_set_stream_roc(session_, ssrc, roc), srtp_err_status_ok);
  }

 private:
  std::optional<Bytes> Run(ByteView in, bool rtcp, bool protect) {
    Bytes buf(in.begin(), in.end());
    buf.resize(in.size() + SRTP_MAX_TRAILER_LEN + 4);
    int len = static_cast<int>(in.size());
    unsigned mki = use_mki_ ? 1 : 0;
    srtp_err_status_t st;
    if (rtcp) {
      st = protect ? srtp_protect_rtcp_mki(session_, buf.data(), &len, mki, 0)
                   : srtp_unprotect_rtcp_mki(session_, buf.data(), &len, mki);
    } else {
      st = protect ? srtp_protect_mki(session_, buf.data(), &len, mki, 0)
                   : srtp_unprotect_mki(session_, buf.data(), &len, mki);
    }
    if (st != srtp_err_status_ok) return std::nullopt;
    buf.resize(static_cast<size_t>(len));
    return buf;
  }

  bool use_mki_;
  Bytes key_;
  Bytes mki_;
  srtp_master_key_t master_{};
  srtp_master_key_t* master_list_[1] = {};
  srtp_t session_ = nullptr;
};

Session Ours(bool use_mki) {
  auto s = Session::Create({.mki_size = use_mki ? kMki.size() : 0});
  EXPECT_TRUE(s);
  EXPECT_TRUE(s->AddMasterKey(use_mki ? ByteView(kMki) : ByteView{}, kMasterKey, kMasterSalt));
  return std::move(*s);
}

Bytes Rtp(uint32_t ssrc, uint16_t seq, size_t payload_len, bool with_csrc_and_ext) {
  RtpHeader h;
  h.payload_type = 106;
  h.marker = seq % 7 == 0;
  h.sequence_number = seq;
  h.timestamp = 320u * seq;
  h.ssrc = ssrc;
  if (with_csrc_and_ext) {
    h.csrcs = {0x01020304};
    h.extension = RtpHeaderExtension{0xBEDE, Hex("12345678")};
  }
  ByteWriter w;
  EXPECT_TRUE(h.Encode(w));
  for (size_t i = 0; i < payload_len; ++i) w.U8(static_cast<uint8_t>(i * 7 + seq));
  return std::move(w).Take();
}

class LibSrtpInterop : public ::testing::TestWithParam<bool> {};

TEST_P(LibSrtpInterop, SrtpBothWaysAcrossTheRollover) {
  bool mki = GetParam();
  LibSrtp lib_tx(false, mki);
  LibSrtp lib_rx(true, mki);
  Session our_tx = Ours(mki);
  Session our_rx = Ours(mki);
  int n = 0;
  for (uint32_t i = 0; i < 8; ++i) {
    auto seq = static_cast<uint16_t>(65532 + i);  // crosses 65535 -> 0: ROC 0 -> 1
    Bytes rtp = Rtp(0x11223344, seq, 33 + i, i % 2 == 1);
    auto ours = our_tx.ProtectRtp(rtp);
    auto theirs = lib_tx.Protect(rtp);
    ASSERT_TRUE(ours && theirs) << i;
    EXPECT_EQ(*ours, *theirs) << "keybridge and libsrtp protect differently at SEQ " << seq;
    auto a = lib_rx.Unprotect(*ours);
    ASSERT_TRUE(a) << "libsrtp rejects keybridge's packet at SEQ " << seq;
    EXPECT_EQ(*a, rtp);
    auto b = our_rx.UnprotectRtp(*theirs);
    ASSERT_TRUE(b) << b.error().ToString();
    EXPECT_EQ(*b, rtp);
    ++n;
  }
  EXPECT_EQ(n, 8);
  EXPECT_EQ(our_rx.ReceiveRoc(0x11223344), 1u);
  // A replayed keybridge packet is rejected by libsrtp too.
  auto last = our_tx.ProtectRtp(Rtp(0x11223344, 4, 10, false));
  ASSERT_TRUE(last);
  EXPECT_TRUE(lib_rx.Unprotect(*last));
  EXPECT_FALSE(lib_rx.Unprotect(*last));
}

TEST_P(LibSrtpInterop, SrtpWithASignalledRoc) {
  bool mki = GetParam();
  LibSrtp lib_tx(false, mki);
  Session our_rx = Ours(mki);
  Bytes first = Rtp(0x55, 100, 20, false);
  // libsrtp creates the outbound stream on its first packet; set its ROC afterwards and send.
  ASSERT_TRUE(lib_tx.Protect(first));
  lib_tx.SetRoc(0x55, 5);
  Bytes rtp = Rtp(0x55, 101, 20, false);
  auto p = lib_tx.Protect(rtp);
  ASSERT_TRUE(p);
  our_rx.SetRoc(0x55, 5);
  auto back = our_rx.UnprotectRtp(*p);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(*back, rtp);
  Session wrong_roc = Ours(mki);
  EXPECT_FALSE(wrong_roc.UnprotectRtp(*p));
}

TEST_P(LibSrtpInterop, SrtcpBothWays) {
  bool mki = GetParam();
  LibSrtp lib_tx(false, mki);
  LibSrtp lib_rx(true, mki);
  Session our_tx = Ours(mki);
  Session our_rx = Ours(mki);
  Bytes rtcp = Hex("81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeef");
  // keybridge's first SRTCP index is 0 (RFC 3711 3.3.2), libsrtp's is 1; libsrtp accepts 0.
  auto first = our_tx.ProtectRtcp(rtcp);
  ASSERT_TRUE(first);
  auto a0 = lib_rx.UnprotectRtcp(*first);
  ASSERT_TRUE(a0) << "libsrtp rejects keybridge's SRTCP index 0";
  EXPECT_EQ(*a0, rtcp);
  for (uint32_t index = 1; index <= 3; ++index) {
    auto theirs = lib_tx.ProtectRtcp(rtcp);
    ASSERT_TRUE(theirs);
    our_tx.SetNextSrtcpIndex(0x4d617273, index);
    auto ours = our_tx.ProtectRtcp(rtcp);
    ASSERT_TRUE(ours);
    EXPECT_EQ(*ours, *theirs) << "keybridge and libsrtp protect SRTCP index " << index
                              << " differently";
    auto a = lib_rx.UnprotectRtcp(*ours);
    ASSERT_TRUE(a) << "libsrtp rejects keybridge's SRTCP packet " << index;
    EXPECT_EQ(*a, rtcp);
    auto b = our_rx.UnprotectRtcp(*theirs);
    ASSERT_TRUE(b) << b.error().ToString();
    EXPECT_EQ(*b, rtcp);
    EXPECT_FALSE(lib_rx.UnprotectRtcp(*ours)) << "libsrtp missed a replay";
    EXPECT_FALSE(our_rx.UnprotectRtcp(*theirs));
  }
}

INSTANTIATE_TEST_SUITE_P(Mki, LibSrtpInterop, ::testing::Values(false, true),
                         [](const auto& p) { return p.param ? "WithMki" : "NoMki"; });

}  // namespace
}  // namespace kb::srtp
