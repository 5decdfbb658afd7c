// TIA-102.AAAD P25 Phase 1 end-to-end voice encryption applied per LDU: the talker's side
// (IMBE frames -> encrypted LDU payloads, MI sequenced per superframe) and the listener's side
// (LDU payloads -> IMBE frames, following the MI each payload carries).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "core/secret.h"
#include "media/p25_voice_payload.h"
#include "p25/voice_crypto.h"

namespace kb::media {

using LduFrames = std::array<p25::ImbeFrame, p25::kImbeFramesPerLdu>;

// The talker: encrypts LDU1, LDU2, LDU1, ... of one call with the group's TEK. Superframe 0
// uses first_mi; after each LDU2 the MI moves to LFSR(MI) (TIA-102.AAAD). Not thread-safe.
class P25VoiceEncryptor {
 public:
  // kUnsupported for an ALGID without a voice keystream, kInvalidArgument for a bad key or a
  // zero MI.
  static Result<P25VoiceEncryptor> Create(uint8_t algid, uint16_t kid, SecretBytes tek,
                                          const p25::MessageIndicator& first_mi);
  // The next LDU (LDU1 and LDU2 alternate, starting with LDU1), encrypted.
  Result<P25LduPayload> Seal(const LduFrames& frames);

 private:
  P25VoiceEncryptor(uint8_t algid, uint16_t kid, p25::VoiceCipher cipher)
      : algid_(algid), kid_(kid), cipher_(std::move(cipher)) {}
  uint8_t algid_;
  uint16_t kid_;
  p25::VoiceCipher cipher_;
  p25::Ldu next_ = p25::Ldu::kLdu1;
};

// The listener: decrypts LDU payloads of one ALGID/KID with the TEK, adopting the MI of each
// payload (late entry and lost LDUs need nothing else). Not thread-safe.
class P25VoiceDecryptor {
 public:
  P25VoiceDecryptor(uint8_t algid, uint16_t kid, SecretBytes tek)
      : algid_(algid), kid_(kid), tek_(std::move(tek)) {}
  // kWrongRecipient when the payload names another ALGID or KID (no key for it),
  // kInvalidArgument for a zero MI.
  Result<LduFrames> Open(const P25LduPayload& payload);

 private:
  uint8_t algid_;
  uint16_t kid_;
  SecretBytes tek_;
  std::optional<p25::VoiceCipher> cipher_;
};

// An emulated radio's vocoder output when no IMBE encoder is available: deterministic
// pseudo-random 88-bit codewords (xorshift64 from a seed). They are opaque to the crypto; the
// tests compare them bit for bit.
class SyntheticImbeSource {
 public:
  explicit SyntheticImbeSource(uint64_t seed) : state_(seed == 0 ? 0x9E3779B97F4A7C15u : seed) {}
  p25::ImbeFrame NextFrame();
  LduFrames NextLdu();

 private:
  uint64_t state_;
};

}  // namespace kb::media
