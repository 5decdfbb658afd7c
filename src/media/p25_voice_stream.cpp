// TIA-102.AAAD P25 Phase 1 voice encryption per LDU, on p25::VoiceCipher.
#include "media/p25_voice_stream.h"

#include <fmt/format.h>

namespace kb::media {

Result<P25VoiceEncryptor> P25VoiceEncryptor::Create(uint8_t algid, uint16_t kid, SecretBytes tek,
                                                    const p25::MessageIndicator& first_mi) {
  KB_TRY(p25::TrafficCipher cipher, p25::TrafficCipherFromAlgId(algid));
  KB_TRY(p25::VoiceCipher vc, p25::VoiceCipher::Create(cipher, std::move(tek), first_mi));
  return P25VoiceEncryptor(algid, kid, std::move(vc));
}

Result<P25LduPayload> P25VoiceEncryptor::Seal(const LduFrames& frames) {
  P25LduPayload p;
  p.ldu = next_;
  p.algid = algid_;
  p.kid = kid_;
  p.mi = cipher_.mi();
  p.frames = frames;
  for (size_t i = 0; i < p.frames.size(); ++i) {
    KB_CHECK(cipher_.Apply(p.ldu, i, p.frames[i]));
  }
  if (next_ == p25::Ldu::kLdu2) {
    KB_CHECK(cipher_.Advance());
    next_ = p25::Ldu::kLdu1;
  } else {
    next_ = p25::Ldu::kLdu2;
  }
  return p;
}

Result<LduFrames> P25VoiceDecryptor::Open(const P25LduPayload& payload) {
  if (payload.algid != algid_ || payload.kid != kid_) {
    return Fail(Error::WrongRecipient(
        fmt::format("P25 voice: payload is ALGID {:02X} KID {:04X}, this key is ALGID {:02X} KID "
                    "{:04X}",
                    payload.algid, payload.kid, algid_, kid_)));
  }
  if (!cipher_) {
    KB_TRY(p25::TrafficCipher cipher, p25::TrafficCipherFromAlgId(algid_));
    KB_TRY(p25::VoiceCipher vc, p25::VoiceCipher::Create(cipher, tek_.Clone(), payload.mi));
    cipher_.emplace(std::move(vc));
  } else if (cipher_->mi() != payload.mi) {
    KB_CHECK(cipher_->Resync(payload.mi));
  }
  LduFrames frames = payload.frames;
  for (size_t i = 0; i < frames.size(); ++i) {
    KB_CHECK(cipher_->Apply(payload.ldu, i, frames[i]));
  }
  return frames;
}

p25::ImbeFrame SyntheticImbeSource::NextFrame() {
  p25::ImbeFrame f{};
  uint64_t a = 0;
  uint64_t b = 0;
  for (uint64_t* w : {&a, &b}) {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    *w = state_;
  }
  for (size_t i = 0; i < 8; ++i) f[i] = static_cast<uint8_t>(a >> (56 - 8 * i));
  for (size_t i = 8; i < f.size(); ++i) f[i] = static_cast<uint8_t>(b >> (56 - 8 * (i - 8)));
  return f;
}

LduFrames SyntheticImbeSource::NextLdu() {
  LduFrames frames;
  for (auto& f : frames) f = NextFrame();
  return frames;
}

}  // namespace kb::media
