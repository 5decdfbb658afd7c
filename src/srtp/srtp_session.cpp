// RFC 3711 3.3 / RFC 7714 8 / RFC 4771 mode 3: SRTP protect and unprotect with AES-128-GCM,
// master keys chosen by MKI, and per-SSRC index and replay state.
#include "srtp/srtp_session.h"

#include <fmt/format.h>

#include <algorithm>

#include "srtp/key_derivation.h"
#include "srtp/rtp_header.h"

namespace kb::srtp {

Session::Session(const SessionPolicy& policy) : policy_(policy) {}
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
Session::~Session() = default;

Result<Session> Session::Create(const SessionPolicy& policy) {
  if (policy.mki_size != 0 && policy.mki_size != 4 && policy.mki_size != 8) {
    return Fail(Error::InvalidArgument(
        fmt::format("SRTP policy: MKI size must be 0, 4 or 8, got {}", policy.mki_size)));
  }
  if (policy.replay_window < 1 || policy.replay_window > 32768) {
    return Fail(Error::InvalidArgument(
        fmt::format("SRTP policy: replay window must be 1..32768, got {}", policy.replay_window)));
  }
  return Session(policy);
}

const Session::KeyEntry* Session::FindKey(ByteView mki) const {
  for (const auto& k : keys_) {
    if (std::ranges::equal(k->mki, mki)) return k.get();
  }
  return nullptr;
}

Status Session::AddMasterKey(ByteView mki, ByteView master_key, ByteView master_salt) {
  KB_TRY(CryptoContext c, CryptoContext::FromMasterKey(master_key, master_salt));
  return AddCryptoContext(mki, std::move(c));
}

Status Session::AddCryptoContext(ByteView mki, CryptoContext context) {
  if (mki.size() != policy_.mki_size) {
    return Fail(Error::InvalidArgument(
        fmt::format("SRTP MKI must be {} octets, got {}", policy_.mki_size, mki.size())));
  }
  if (FindKey(mki) != nullptr) return Fail(Error::Conflict("SRTP MKI already has a master key"));
  keys_.push_back(
      std::make_unique<KeyEntry>(KeyEntry{Bytes(mki.begin(), mki.end()), std::move(context)}));
  if (send_key_ == nullptr) send_key_ = keys_.back().get();
  return Ok();
}

Status Session::RemoveMasterKey(ByteView mki) {
  const KeyEntry* k = FindKey(mki);
  if (k == nullptr) return Fail(Error::NotFound("SRTP MKI: no such master key"));
  if (k == send_key_) return Fail(Error::Conflict("SRTP MKI: the send key is selected"));
  if (k == last_recv_key_) last_recv_key_ = nullptr;
  std::erase_if(keys_, [k](const auto& e) { return e.get() == k; });
  return Ok();
}

Status Session::SelectSendKey(ByteView mki) {
  const KeyEntry* k = FindKey(mki);
  if (k == nullptr) return Fail(Error::NotFound("SRTP MKI: no such master key"));
  send_key_ = k;
  return Ok();
}

void Session::SetRoc(uint32_t ssrc, uint32_t roc) {
  for (auto* streams : {&send_rtp_, &recv_rtp_}) {
    (*streams).insert_or_assign(ssrc, SrtpStream{ReplayWindow(policy_.replay_window), roc});
  }
}

std::optional<uint32_t> Session::SendRoc(uint32_t ssrc) const {
  auto it = send_rtp_.find(ssrc);
  if (it == send_rtp_.end() || it->second.window.empty()) return std::nullopt;
  return static_cast<uint32_t>(it->second.window.highest() >> 16);
}

std::optional<uint32_t> Session::ReceiveRoc(uint32_t ssrc) const {
  auto it = recv_rtp_.find(ssrc);
  if (it == recv_rtp_.end() || it->second.window.empty()) return std::nullopt;
  return static_cast<uint32_t>(it->second.window.highest() >> 16);
}

Result<uint64_t> Session::IndexFor(const SrtpStream* stream, uint16_t seq) {
  if (stream == nullptr || stream->window.empty()) {
    uint32_t roc = stream ? stream->next_roc.value_or(0) : 0;
    return (uint64_t{roc} << 16) | seq;
  }
  return EstimateSrtpIndex(stream->window.highest(), seq);
}

Session::SrtpStream* Session::FindStream(std::unordered_map<uint32_t, SrtpStream>& map,
                                         StreamCache& cache, uint32_t ssrc) {
  if (cache.stream != nullptr && cache.ssrc == ssrc) return cache.stream;
  auto it = map.find(ssrc);
  if (it == map.end()) return nullptr;
  cache = {ssrc, &it->second};
  return cache.stream;
}

size_t Session::RtpOverhead() const {
  return kAeadTagSize + policy_.mki_size + (policy_.roc_mode == RocMode::kRccm3 ? kRocSize : 0);
}

Result<Bytes> Session::ProtectRtp(ByteView rtp_packet) {
  Bytes out(rtp_packet.size() + RtpOverhead());
  std::ranges::copy(rtp_packet, out.begin());
  KB_TRY(size_t n, ProtectRtpInPlace(out, rtp_packet.size()));
  out.resize(n);
  return out;
}

Result<Bytes> Session::UnprotectRtp(ByteView srtp_packet) {
  Bytes out(srtp_packet.begin(), srtp_packet.end());
  KB_TRY(size_t n, UnprotectRtpInPlace(out));
  out.resize(n);
  return out;
}

Result<size_t> Session::ProtectRtpInPlace(std::span<uint8_t> buffer, size_t rtp_len) {
  if (rtp_len > buffer.size() || buffer.size() - rtp_len < RtpOverhead()) {
    return Fail(Error::InvalidArgument(
        fmt::format("SRTP protect: buffer of {} octets has no room for {} + {} octets",
                    buffer.size(), rtp_len, RtpOverhead())));
  }
  KB_TRY(RtpHeaderSummary h, ScanRtpHeader(ByteView(buffer).first(rtp_len)));
  if (send_key_ == nullptr) return Fail(Error::NotFound("SRTP: no send key"));

  SrtpStream* stream = FindStream(send_rtp_, send_cache_, h.ssrc);
  bool fresh = stream == nullptr;
  auto index = IndexFor(stream, h.sequence_number);
  Status fresh_index = !index              ? Status(Fail(index.error()))
                       : stream != nullptr ? stream->window.Check(*index)
                                           : Ok();
  if (!fresh_index) {
    return Fail(fresh_index.error().Within(
        fmt::format("SRTP protect (SSRC {:08x}, SEQ {})", h.ssrc, h.sequence_number)));
  }
  if (fresh) {
    auto [it, inserted] = send_rtp_.try_emplace(
        h.ssrc, SrtpStream{ReplayWindow(policy_.replay_window), std::nullopt});
    stream = &it->second;
    send_cache_ = {h.ssrc, stream};
  }
  uint32_t roc = static_cast<uint32_t>(*index >> 16);

  const CryptoContext& ctx = send_key_->context;
  Iv iv = SrtpIv(ctx.srtp_salt(), h.ssrc, roc, h.sequence_number);
  ByteView header = ByteView(buffer).first(h.size);
  size_t payload_len = rtp_len - h.size;
  auto sealed = buffer.subspan(h.size, payload_len + kAeadTagSize);
  KB_CHECK(ctx.srtp_key().Seal(iv, header, sealed.first(payload_len), sealed));
  auto tail = buffer.begin() + static_cast<std::ptrdiff_t>(h.size + sealed.size());
  tail = std::ranges::copy(send_key_->mki, tail).out;
  if (policy_.roc_mode == RocMode::kRccm3) {
    // RFC 4771 3.1: the ROC travels in the SRTP authentication tag field, after the MKI.
    for (int shift = 24; shift >= 0; shift -= 8) *tail++ = static_cast<uint8_t>(roc >> shift);
  }
  stream->window.Accept(*index);
  stream->next_roc.reset();
  return static_cast<size_t>(tail - buffer.begin());
}

Result<size_t> Session::UnprotectRtpInPlace(std::span<uint8_t> packet) {
  KB_TRY(RtpHeaderSummary h, ScanRtpHeader(packet));
  bool rcc = policy_.roc_mode == RocMode::kRccm3;
  size_t trailer = policy_.mki_size + (rcc ? kRocSize : 0);
  ByteReader r(ByteView(packet).subspan(h.size), h.size);
  if (r.remaining() < kAeadTagSize + trailer) {
    return Fail(Error::Truncated(
        fmt::format("SRTP packet at offset {}: needs {} octets for the tag{}{}, {} left",
                    r.offset(), kAeadTagSize + trailer, policy_.mki_size ? ", MKI" : "",
                    rcc ? ", ROC" : "", r.remaining())));
  }
  size_t sealed_len = r.remaining() - trailer;
  KB_TRY(ByteView sealed_view, r.Take(sealed_len, "SRTP ciphertext and tag"));
  (void)sealed_view;
  KB_TRY(ByteView mki, r.Take(policy_.mki_size, "SRTP MKI"));
  std::optional<uint32_t> carried_roc;
  if (rcc) {
    KB_TRY(carried_roc, r.U32("SRTP RCC ROC"));
  }

  const KeyEntry* key = last_recv_key_ != nullptr && std::ranges::equal(last_recv_key_->mki, mki)
                            ? last_recv_key_
                            : FindKey(mki);
  if (key == nullptr) return Fail(Error::NotFound("SRTP MKI: no master key for this MKI"));

  SrtpStream* stream = FindStream(recv_rtp_, recv_cache_, h.ssrc);
  uint64_t index = 0;
  if (carried_roc) {
    index = (uint64_t{*carried_roc} << 16) | h.sequence_number;
  } else {
    auto guess = IndexFor(stream, h.sequence_number);
    if (!guess) return Fail(guess.error().Within("SRTP unprotect"));
    index = *guess;
  }
  if (stream) {
    if (auto s = stream->window.Check(index); !s) {
      return Fail(s.error().Within(
          fmt::format("SRTP unprotect (SSRC {:08x}, SEQ {})", h.ssrc, h.sequence_number)));
    }
  }

  const CryptoContext& ctx = key->context;
  Iv iv = SrtpIv(ctx.srtp_salt(), h.ssrc, static_cast<uint32_t>(index >> 16), h.sequence_number);
  ByteView header = ByteView(packet).first(h.size);
  auto sealed = packet.subspan(h.size, sealed_len);
  if (auto s = ctx.srtp_key().Open(iv, header, sealed, sealed.first(sealed_len - kAeadTagSize));
      !s) {
    return Fail(Error::CryptoFailure(
        fmt::format("SRTP packet (SSRC {:08x}, SEQ {}): authentication tag does not verify", h.ssrc,
                    h.sequence_number)));
  }
  last_recv_key_ = key;
  if (stream == nullptr) {
    auto [it, inserted] = recv_rtp_.try_emplace(
        h.ssrc, SrtpStream{ReplayWindow(policy_.replay_window), std::nullopt});
    stream = &it->second;
    recv_cache_ = {h.ssrc, stream};
  }
  stream->window.Accept(index);
  stream->next_roc.reset();
  return h.size + sealed_len - kAeadTagSize;
}

}  // namespace kb::srtp
