// libFuzzer target: RFC 3550 RTP/RTCP header parsing and RFC 7714 SRTP/SRTCP unprotect (with
// the RFC 7714 example keys), plain and with the TS 33.180 group profile (8-octet MKI, RCCm3).
//
// Input: one selector octet (bit 0: SRTCP instead of SRTP; bit 1: group profile), then the
// packet. A packet that authenticates must protect back to the same bytes.
#include <cstdint>
#include <cstdlib>

#include "srtp/crypto_context.h"
#include "srtp/key_derivation.h"
#include "srtp/rtp_header.h"
#include "srtp/srtp_session.h"

namespace {

constexpr uint8_t kKey[16] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                              0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
constexpr uint8_t kSalt[12] = {0x51, 0x75, 0x69, 0x64, 0x20, 0x70,
                               0x72, 0x6f, 0x20, 0x71, 0x75, 0x6f};

kb::srtp::Session MakeSession(bool group) {
  kb::srtp::SessionPolicy policy;
  if (group) {
    policy.mki_size = 8;
    policy.roc_mode = kb::srtp::RocMode::kRccm3;
  }
  auto s = kb::srtp::Session::Create(policy);
  auto ctx = kb::srtp::CryptoContext::FromSessionKeys(kKey, kSalt, kKey, kSalt);
  if (!s || !ctx) std::abort();
  kb::Bytes mki = group ? kb::srtp::GmkMki(0x0633f457, 0x11111111) : kb::Bytes{};
  if (!s->AddCryptoContext(mki, std::move(*ctx))) std::abort();
  return std::move(*s);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  bool rtcp = (data[0] & 1) != 0;
  bool group = (data[0] & 2) != 0;
  kb::ByteView packet(data + 1, size - 1);

  if (!rtcp) {
    kb::ByteReader r(packet);
    if (auto h = kb::srtp::RtpHeader::Decode(r)) {
      kb::ByteWriter w;
      if (!h->Encode(w) || w.size() != r.Consumed().size() || w.size() != h->EncodedSize()) {
        std::abort();
      }
      // The encoder writes back exactly the octets the decoder read.
      for (size_t i = 0; i < w.size(); ++i) {
        if (w.bytes()[i] != r.Consumed()[i]) std::abort();
      }
    }
    kb::srtp::Session rx = MakeSession(group);
    auto out = rx.UnprotectRtp(packet);
    if (out) {
      kb::ByteReader hr(*out);
      auto h = kb::srtp::RtpHeader::Decode(hr);
      if (!h) std::abort();
      kb::srtp::Session tx = MakeSession(group);
      tx.SetRoc(h->ssrc, rx.ReceiveRoc(h->ssrc).value_or(0));
      auto again = tx.ProtectRtp(*out);
      if (!again || !std::equal(again->begin(), again->end(), packet.begin(), packet.end())) {
        std::abort();
      }
    }
  } else {
    kb::ByteReader r(packet);
    if (auto h = kb::srtp::RtcpHeader::Decode(r)) {
      kb::ByteWriter w;
      if (!h->Encode(w)) std::abort();
      for (size_t i = 0; i < w.size(); ++i) {
        if (w.bytes()[i] != packet[i]) std::abort();
      }
    }
    kb::srtp::Session rx = MakeSession(group);
    auto out = rx.UnprotectRtcp(packet);
    if (out && out->size() != packet.size() - 16 - 4 - (group ? 8 : 0)) std::abort();
  }
  return 0;
}
