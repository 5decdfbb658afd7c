// TS 33.180 Annex L.5: the IWF's security-gateway media pipeline per terminated group:
// SRTP unprotect -> AMR-WB decode -> 16 -> 8 kHz -> LMR encode -> TIA-102.AAAD encrypt, and back.
#include "media/security_gateway.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "crypto/random.h"
#include "media/amr_wb_vocoder.h"
#include "media/codec2_standin_vocoder.h"
#include "p25/algorithm_id.h"
#include "srtp/rtp_header.h"

namespace kb::media {

GatewayCall::GatewayCall(std::string group, GatewayCallConfig config,
                         std::unique_ptr<srtp::Session> mc_srtp, std::unique_ptr<Vocoder> mc_codec,
                         std::unique_ptr<Vocoder> lmr_codec, P25VoiceEncryptor encryptor,
                         P25VoiceDecryptor decryptor)
    : group_(std::move(group)),
      config_(config),
      srtp_(std::move(mc_srtp)),
      mc_codec_(std::move(mc_codec)),
      lmr_codec_(std::move(lmr_codec)),
      encryptor_(std::move(encryptor)),
      decryptor_(std::move(decryptor)),
      next_seq_(config.first_sequence_number),
      wide_(mc_codec_->frame_samples()),
      narrow_(lmr_codec_->frame_samples()) {}

Result<std::optional<P25LduPayload>> GatewayCall::FromMc(std::span<uint8_t> srtp_packet) {
  KB_TRY(size_t rtp_len, srtp_->UnprotectRtpInPlace(srtp_packet));
  KB_TRY(srtp::RtpHeaderSummary h, srtp::ScanRtpHeader(ByteView(srtp_packet).first(rtp_len)));
  KB_TRY(ByteView frame,
         AmrWbStorageFrame(ByteView(srtp_packet).subspan(h.size, rtp_len - h.size)));
  KB_CHECK(mc_codec_->Decode(frame, wide_));
  KB_CHECK(down_.Down(wide_, narrow_));
  KB_CHECK(lmr_codec_->Encode(narrow_, pending_[pending_count_]));
  if (++pending_count_ < pending_.size()) return std::optional<P25LduPayload>();
  pending_count_ = 0;
  KB_TRY(P25LduPayload ldu, encryptor_.Seal(pending_));
  return std::optional<P25LduPayload>(std::move(ldu));
}

Result<std::vector<Bytes>> GatewayCall::FromLmr(const P25LduPayload& ldu) {
  KB_TRY(LduFrames frames, decryptor_.Open(ldu));
  std::vector<Bytes> packets;
  packets.reserve(frames.size());
  coded_.resize(mc_codec_->frame_size());
  for (const auto& f : frames) {
    KB_CHECK(lmr_codec_->Decode(f, narrow_));
    KB_CHECK(up_.Up(narrow_, wide_));
    KB_CHECK(mc_codec_->Encode(wide_, coded_));
    srtp::RtpHeader h;
    h.payload_type = config_.amr_wb_payload_type;
    h.sequence_number = next_seq_++;
    h.timestamp = next_timestamp_;
    h.ssrc = config_.mc_ssrc;
    next_timestamp_ += static_cast<uint32_t>(wide_.size());  // 16 kHz RTP clock (RFC 4867)
    // One allocation per packet: header, RFC 4867 octet-aligned payload, room for the SRTP tag.
    size_t len = h.EncodedSize() + 1 + coded_.size();
    ByteWriter w(len + srtp_->RtpOverhead());
    KB_CHECK(h.Encode(w));
    w.U8(0xF0);  // CMR 15: no mode request (AmrWbRtpPayload)
    size_t toc = w.size();
    w.Append(coded_);
    w.PatchU8(toc, coded_[0] & 0x7C);  // F = 0, P bits 0
    Bytes packet = std::move(w).Take();
    packet.resize(len + srtp_->RtpOverhead());
    KB_TRY(size_t n, srtp_->ProtectRtpInPlace(packet, len));
    packet.resize(n);
    packets.push_back(std::move(packet));
  }
  return packets;
}

Status SecurityGateway::AddGroup(GatewayGroupConfig config) {
  if (groups_.contains(config.group)) {
    return Fail(Error::Conflict("security gateway: group " + config.group + " already configured"));
  }
  if (!config.terminated) {
    if (!config.tek.empty()) {
      return Fail(Error::InvalidArgument("security gateway: group " + config.group +
                                         " is not terminated here, so its TEK must not be given"));
    }
  } else {
    size_t want = p25::KeyLengthOf(config.algid);
    if (config.algid != p25::kAlgidAes256 && config.algid != p25::kAlgidDesOfb &&
        config.algid != p25::kAlgidAdp) {
      return Fail(Error::InvalidArgument(
          fmt::format("security gateway: group {}: ALGID {:02X} has no voice cipher", config.group,
                      config.algid)));
    }
    if (config.tek.empty() || config.tek.size() > want) {
      return Fail(Error::InvalidArgument(fmt::format(
          "security gateway: group {} is terminated and needs a TEK of {} octets for ALGID {:02X}",
          config.group, want, config.algid)));
    }
  }
  spdlog::info("security gateway: group {} {}{}", config.group,
               config.terminated ? "terminated here" : "relayed end-to-end (no TEK held)",
               config.terminated
                   ? fmt::format(", ALGID {:02X} KID {:04X}", config.algid, config.kid)
                   : std::string());
  std::string name = config.group;
  groups_.emplace(std::move(name), std::move(config));
  return Ok();
}

Status SecurityGateway::RemoveGroup(const std::string& group) {
  auto it = groups_.find(group);
  if (it == groups_.end()) return Fail(Error::NotFound("security gateway: no group " + group));
  it->second.tek.Clear();
  groups_.erase(it);
  return Ok();
}

bool SecurityGateway::Terminates(const std::string& group) const {
  auto it = groups_.find(group);
  return it != groups_.end() && it->second.terminated;
}

bool SecurityGateway::HoldsTek(const std::string& group) const {
  auto it = groups_.find(group);
  return it != groups_.end() && !it->second.tek.empty();
}

size_t SecurityGateway::tek_count() const {
  size_t n = 0;
  for (const auto& [name, g] : groups_) n += g.tek.empty() ? 0 : 1;
  return n;
}

Result<std::unique_ptr<GatewayCall>> SecurityGateway::OpenCall(
    const std::string& group, GatewayCallConfig config,
    std::unique_ptr<srtp::Session> mc_srtp) const {
  auto it = groups_.find(group);
  if (it == groups_.end() || !it->second.terminated) {
    return Fail(Error::NotFound("security gateway: group " + group + " is not terminated here"));
  }
  if (mc_srtp == nullptr) return Fail(Error::InvalidArgument("security gateway: no SRTP session"));
  const GatewayGroupConfig& g = it->second;
  if (config.first_mi.IsZero()) {
    do {
      Bytes mi = crypto::RandomBytes(8);
      uint64_t v = 0;
      for (uint8_t b : mi) v = (v << 8) | b;
      config.first_mi = p25::MessageIndicator(v);
    } while (config.first_mi.IsZero());
  }
  KB_TRY(auto amr, AmrWbVocoder::Create(kAmrWbMode1265));
  KB_TRY(auto lmr, Codec2StandInVocoder::Create());
  KB_TRY(P25VoiceEncryptor enc,
         P25VoiceEncryptor::Create(g.algid, g.kid, g.tek.Clone(), config.first_mi));
  P25VoiceDecryptor dec(g.algid, g.kid, g.tek.Clone());
  spdlog::info("security gateway: call in group {}: MC {} <-> LMR {}, ALGID {:02X} KID {:04X}",
               group, amr->name(), lmr->name(), g.algid, g.kid);
  return std::make_unique<GatewayCall>(group, config, std::move(mc_srtp), std::move(amr),
                                       std::move(lmr), std::move(enc), std::move(dec));
}

}  // namespace kb::media
