// RFC 7714 9 and 17 (RFC 3711 3.4): SRTCP protect and unprotect with AES-128-GCM, the E flag,
// the 31-bit SRTCP index and its replay list, and the MKI after E|index.
#include <fmt/format.h>

#include <algorithm>

#include "srtp/rtp_header.h"
#include "srtp/srtp_session.h"

namespace kb::srtp {

namespace {

constexpr uint32_t kEFlag = 0x80000000u;
constexpr uint32_t kMaxSrtcpIndex = 0x7FFFFFFFu;

void PutU32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

}  // namespace

void Session::SetNextSrtcpIndex(uint32_t ssrc, uint32_t index) {
  auto [it, fresh] = send_rtcp_.try_emplace(ssrc, SrtcpStream{ReplayWindow(policy_.replay_window)});
  it->second.next_index = index & kMaxSrtcpIndex;
}

Result<Bytes> Session::ProtectRtcp(ByteView rtcp_packet) {
  ByteReader r(rtcp_packet);
  KB_TRY(RtcpHeader h, RtcpHeader::Decode(r));
  ByteView first8 = r.Consumed();
  ByteView rest = r.Rest();
  if (send_key_ == nullptr) return Fail(Error::NotFound("SRTCP: no send key"));
  auto [it, fresh] =
      send_rtcp_.try_emplace(h.ssrc, SrtcpStream{ReplayWindow(policy_.replay_window)});
  uint32_t index = it->second.next_index;
  if (index > kMaxSrtcpIndex) {
    return Fail(Error::Expired(
        fmt::format("SRTCP protect (SSRC {:08x}): index space used up, rekey", h.ssrc)));
  }
  bool encrypt = policy_.encrypt_rtcp;
  uint32_t e_index = (encrypt ? kEFlag : 0) | index;

  const CryptoContext& ctx = send_key_->context;
  Iv iv = SrtcpIv(ctx.srtcp_salt(), h.ssrc, index);
  // Encrypted: AAD = first 8 octets || E|index, plaintext = the rest. Unencrypted (RFC 7714
  // 9.3): AAD = the whole packet || E|index, empty plaintext.
  ByteView clear = encrypt ? first8 : rtcp_packet;
  ByteView plaintext = encrypt ? rest : ByteView{};
  Bytes out(rtcp_packet.size() + kAeadTagSize + 4 + policy_.mki_size);
  std::ranges::copy(clear, out.begin());
  uint8_t* e_index_at = out.data() + rtcp_packet.size() + kAeadTagSize;
  PutU32(e_index_at, e_index);
  Bytes aad(clear.begin(), clear.end());
  aad.insert(aad.end(), e_index_at, e_index_at + 4);
  auto sealed = std::span<uint8_t>(out).subspan(clear.size(), plaintext.size() + kAeadTagSize);
  KB_CHECK(ctx.srtcp_key().Seal(iv, aad, plaintext, sealed));
  std::ranges::copy(send_key_->mki, e_index_at + 4);
  it->second.next_index = index + 1;
  return out;
}

Result<Bytes> Session::UnprotectRtcp(ByteView srtcp_packet) {
  ByteReader r(srtcp_packet);
  KB_TRY(RtcpHeader h, RtcpHeader::Decode(r));
  ByteView first8 = r.Consumed();
  size_t trailer = 4 + policy_.mki_size;
  if (r.remaining() < kAeadTagSize + trailer) {
    return Fail(Error::Truncated(fmt::format(
        "SRTCP packet at offset {}: needs {} octets for the tag, E|index{}, {} left", r.offset(),
        kAeadTagSize + trailer, policy_.mki_size ? ", MKI" : "", r.remaining())));
  }
  KB_TRY(ByteView sealed, r.Take(r.remaining() - trailer, "SRTCP ciphertext and tag"));
  KB_TRY(ByteView e_index_octets, r.Take(4, "SRTCP E|index"));
  ByteReader e_reader(e_index_octets);
  KB_TRY(uint32_t e_index, e_reader.U32("SRTCP E|index"));
  KB_TRY(ByteView mki, r.Take(policy_.mki_size, "SRTCP MKI"));
  KB_CHECK(r.ExpectEnd("SRTCP packet"));
  bool encrypted = (e_index & kEFlag) != 0;
  uint32_t index = e_index & kMaxSrtcpIndex;

  const KeyEntry* key = FindKey(mki);
  if (key == nullptr) return Fail(Error::NotFound("SRTCP MKI: no master key for this MKI"));
  auto found = recv_rtcp_.find(h.ssrc);
  if (found != recv_rtcp_.end()) {
    if (auto s = found->second.window.Check(index); !s) {
      return Fail(s.error().Within(fmt::format("SRTCP unprotect (SSRC {:08x})", h.ssrc)));
    }
  }

  const CryptoContext& ctx = key->context;
  Iv iv = SrtcpIv(ctx.srtcp_salt(), h.ssrc, index);
  Bytes out;
  if (encrypted) {
    Bytes aad(first8.begin(), first8.end());
    aad.insert(aad.end(), e_index_octets.begin(), e_index_octets.end());
    out.resize(first8.size() + sealed.size() - kAeadTagSize);
    std::ranges::copy(first8, out.begin());
    auto plain = std::span<uint8_t>(out).subspan(first8.size());
    if (auto s = ctx.srtcp_key().Open(iv, aad, sealed, plain); !s) {
      return Fail(Error::CryptoFailure(
          fmt::format("SRTCP packet (SSRC {:08x}): authentication tag does not verify", h.ssrc)));
    }
  } else {
    ByteView body = sealed.first(sealed.size() - kAeadTagSize);
    Bytes aad(first8.begin(), first8.end());
    aad.insert(aad.end(), body.begin(), body.end());
    aad.insert(aad.end(), e_index_octets.begin(), e_index_octets.end());
    if (auto s = ctx.srtcp_key().Open(iv, aad, sealed.last(kAeadTagSize), {}); !s) {
      return Fail(Error::CryptoFailure(fmt::format(
          "SRTCP packet (SSRC {:08x}, E = 0): authentication tag does not verify", h.ssrc)));
    }
    out.assign(first8.begin(), first8.end());
    out.insert(out.end(), body.begin(), body.end());
  }
  auto [it, fresh] =
      recv_rtcp_.try_emplace(h.ssrc, SrtcpStream{ReplayWindow(policy_.replay_window)});
  it->second.window.Accept(index);
  return out;
}

}  // namespace kb::srtp
