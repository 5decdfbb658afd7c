// TS 33.180 Annex L.5 / TS 23.283 (IWF as media security gateway): for the groups the IWF is
// configured to terminate, it removes the 3GPP SRTP, transcodes between the MC codec (AMR-WB)
// and the LMR codec, and applies the LMR end-to-end encryption (TIA-102.AAAD) with the group's
// TEK, and the reverse. For every other group it holds no TEK (the relay of voice_relay.h
// forwards their LMR-encrypted media unread).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/secret.h"
#include "media/p25_voice_stream.h"
#include "media/resampler.h"
#include "media/vocoder.h"
#include "srtp/srtp_session.h"

namespace kb::media {

struct GatewayGroupConfig {
  std::string group;  // MC group ID
  bool terminated = false;
  uint8_t algid = 0x84;  // the LMR group's ALGID and KID
  uint16_t kid = 0;
  SecretBytes tek{};  // the group's TEK when terminated; must be empty otherwise
};

struct GatewayCallConfig {
  uint32_t mc_ssrc = 0;  // SSRC of the gateway's AMR-WB stream toward MC
  uint8_t amr_wb_payload_type = 97;
  uint16_t first_sequence_number = 0;
  // MI of the first superframe the gateway encrypts; zero: a random one.
  p25::MessageIndicator first_mi{};
};

// One group call through the gateway: both directions (one talker at a time, but both are
// ready). Not thread-safe.
class GatewayCall {
 public:
  GatewayCall(std::string group, GatewayCallConfig config, std::unique_ptr<srtp::Session> mc_srtp,
              std::unique_ptr<Vocoder> mc_codec, std::unique_ptr<Vocoder> lmr_codec,
              P25VoiceEncryptor encryptor, P25VoiceDecryptor decryptor);

  // MC -> LMR: one SRTP packet carrying one AMR-WB frame (RFC 4867 octet-aligned), unprotected
  // in place. Returns an encrypted LDU payload every 9th frame, nullopt in between. SRTP and
  // codec errors as their layers give them.
  Result<std::optional<P25LduPayload>> FromMc(std::span<uint8_t> srtp_packet);
  // LMR -> MC: one encrypted LDU payload -> 9 SRTP packets of one AMR-WB frame each.
  Result<std::vector<Bytes>> FromLmr(const P25LduPayload& ldu);

  const std::string& group() const { return group_; }
  const Vocoder& mc_codec() const { return *mc_codec_; }
  const Vocoder& lmr_codec() const { return *lmr_codec_; }
  // The MC side's SRTP session (e.g. to add the keys of a new GMK in mid-call).
  srtp::Session& mc_srtp() { return *srtp_; }

 private:
  std::string group_;
  GatewayCallConfig config_;
  std::unique_ptr<srtp::Session> srtp_;
  std::unique_ptr<Vocoder> mc_codec_;
  std::unique_ptr<Vocoder> lmr_codec_;
  P25VoiceEncryptor encryptor_;
  P25VoiceDecryptor decryptor_;
  HalfbandResampler down_;
  HalfbandResampler up_;
  LduFrames pending_{};
  size_t pending_count_ = 0;
  uint16_t next_seq_;
  uint32_t next_timestamp_ = 0;
  std::vector<int16_t> wide_;    // 320 samples (16 kHz)
  std::vector<int16_t> narrow_;  // 160 samples (8 kHz)
  Bytes coded_;
};

// The gateway's per-group configuration and call factory.
class SecurityGateway {
 public:
  // kInvalidArgument for a terminated group without a TEK (or a bad ALGID/key length), or a
  // TEK given for a group that is not terminated; kConflict for a group already present.
  Status AddGroup(GatewayGroupConfig config);
  // Forgets a group and wipes its TEK. kNotFound if absent.
  Status RemoveGroup(const std::string& group);

  bool Terminates(const std::string& group) const;
  // Whether a TEK for group is held (true exactly for terminated groups).
  bool HoldsTek(const std::string& group) const;
  // The number of TEKs held.
  size_t tek_count() const;

  // A call of a terminated group, with AMR-WB 12.65 on the MC side and the Codec2 stand-in for
  // IMBE on the LMR side (logged as such). kNotFound for a group the gateway does not terminate.
  Result<std::unique_ptr<GatewayCall>> OpenCall(const std::string& group, GatewayCallConfig config,
                                                std::unique_ptr<srtp::Session> mc_srtp) const;

 private:
  std::map<std::string, GatewayGroupConfig> groups_;
};

}  // namespace kb::media
