// TIA-102.AAAD P25 Phase 1 voice encryption: superframe keystreams (AES-256-OFB, DES-OFB, ADP),
// IMBE keystream offsets in LDU1/LDU2 and MI sequencing.
#include "p25/voice_crypto.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "crypto/aes.h"
#include "crypto/des.h"
#include "crypto/rc4.h"

namespace kb::p25 {

namespace {

constexpr size_t kAesKeySize = 32;
constexpr size_t kDesKeySize = 8;
constexpr size_t kAdpKeySize = 5;
constexpr size_t kLdu2Shift = 101;  // LDU2's window starts 101 octets after LDU1's
constexpr size_t kLcwSkip = 11;     // keystream octets before IMBE 1 of each LDU
constexpr size_t kLsdSkip = 2;      // keystream octets before IMBE 9 of each LDU

// Left-pads a short legacy key with zeros to n octets.
Result<SecretBytes> LeftPadKey(ByteView key, size_t n, std::string_view what) {
  if (key.empty() || key.size() > n) {
    return Fail(Error::InvalidArgument(std::string(what) + " key must be 1.." + std::to_string(n) +
                                       " octets, got " + std::to_string(key.size())));
  }
  SecretBytes out(n);
  std::copy(key.begin(), key.end(), out.RevealMutable().end() - static_cast<ptrdiff_t>(key.size()));
  return out;
}

Result<SecretBytes> GenerateBuffer(TrafficCipher cipher, ByteView key, const MessageIndicator& mi) {
  const size_t n = KeystreamLength(cipher);
  auto mi_bytes = mi.Bytes();
  ByteView mi8 = ByteView(mi_bytes).first(8);
  switch (cipher) {
    case TrafficCipher::kAes256: {
      if (key.size() != kAesKeySize) {
        return Fail(Error::InvalidArgument("AES-256 TEK must be 32 octets, got " +
                                           std::to_string(key.size())));
      }
      auto iv = mi.AesIv();
      KB_TRY(Bytes ks, crypto::AesOfbKeystream(key, iv, n));
      return SecretBytes::Adopt(std::move(ks));
    }
    case TrafficCipher::kDesOfb: {
      KB_TRY(SecretBytes k, LeftPadKey(key, kDesKeySize, "DES"));
      KB_TRY(Bytes ks, crypto::DesOfbKeystream(k.Reveal(), mi8, n));
      return SecretBytes::Adopt(std::move(ks));
    }
    case TrafficCipher::kAdp: {
      KB_TRY(SecretBytes k, LeftPadKey(key, kAdpKeySize, "ADP"));
      SecretBytes rc4_key(kAdpKeySize + 8);  // 5-octet key || MI[0..7]
      std::copy(k.Reveal().begin(), k.Reveal().end(), rc4_key.RevealMutable().begin());
      std::copy(mi8.begin(), mi8.end(), rc4_key.RevealMutable().begin() + kAdpKeySize);
      crypto::Rc4 rc4(rc4_key.Reveal());
      SecretBytes ks(n);
      rc4.Fill(ks.RevealMutable());
      return ks;
    }
  }
  return Fail(Error::Internal("unknown traffic cipher"));
}

}  // namespace

Result<TrafficCipher> TrafficCipherFromAlgId(uint8_t algid) {
  switch (algid) {
    case 0x81:
      return TrafficCipher::kDesOfb;
    case 0x84:
      return TrafficCipher::kAes256;
    case 0xAA:
      return TrafficCipher::kAdp;
    default:
      return Fail(
          Error::Unsupported(fmt::format("ALGID 0x{:02x} has no voice keystream here", algid)));
  }
}

size_t KeystreamBase(TrafficCipher cipher) {
  switch (cipher) {
    case TrafficCipher::kAes256:
      return 16;
    case TrafficCipher::kDesOfb:
      return 8;
    case TrafficCipher::kAdp:
      return 256;
  }
  return 0;
}

size_t KeystreamLength(TrafficCipher cipher) {
  switch (cipher) {
    case TrafficCipher::kAes256:
      return 240;
    case TrafficCipher::kDesOfb:
      return 224;
    case TrafficCipher::kAdp:
      return 469;
  }
  return 0;
}

Result<size_t> ImbeKeystreamOffset(TrafficCipher cipher, Ldu ldu, size_t p) {
  if (p >= kImbeFramesPerLdu) {
    return Fail(Error::InvalidArgument("IMBE index must be 0..8, got " + std::to_string(p)));
  }
  return KeystreamBase(cipher) + (ldu == Ldu::kLdu2 ? kLdu2Shift : 0) + kLcwSkip +
         kImbeFrameSize * p + (p == kImbeFramesPerLdu - 1 ? kLsdSkip : 0);
}

Result<SuperframeKeystream> SuperframeKeystream::Generate(TrafficCipher cipher, ByteView key,
                                                          const MessageIndicator& mi) {
  if (mi.IsZero()) return Fail(Error::InvalidArgument("MI is all zero"));
  KB_TRY(SecretBytes buffer, GenerateBuffer(cipher, key, mi));
  return SuperframeKeystream(cipher, mi, std::move(buffer));
}

Result<ByteView> SuperframeKeystream::ImbeKeystream(Ldu ldu, size_t p) const {
  KB_TRY(size_t off, ImbeKeystreamOffset(cipher_, ldu, p));
  return buffer_.Reveal().subspan(off, kImbeFrameSize);
}

Status SuperframeKeystream::Apply(Ldu ldu, size_t p,
                                  std::span<uint8_t, kImbeFrameSize> frame) const {
  KB_TRY(ByteView ks, ImbeKeystream(ldu, p));
  for (size_t i = 0; i < kImbeFrameSize; ++i) frame[i] ^= ks[i];
  return Ok();
}

Result<VoiceCipher> VoiceCipher::Create(TrafficCipher cipher, SecretBytes key,
                                        const MessageIndicator& first_mi) {
  KB_TRY(SuperframeKeystream ks, SuperframeKeystream::Generate(cipher, key.Reveal(), first_mi));
  return VoiceCipher(std::move(key), std::move(ks));
}

Status VoiceCipher::Apply(Ldu ldu, size_t p, std::span<uint8_t, kImbeFrameSize> frame) const {
  return keystream_.Apply(ldu, p, frame);
}

Status VoiceCipher::ApplySuperframe(std::span<ImbeFrame, kImbeFramesPerSuperframe> frames) {
  for (size_t f = 0; f < kImbeFramesPerSuperframe; ++f) {
    Ldu ldu = f < kImbeFramesPerLdu ? Ldu::kLdu1 : Ldu::kLdu2;
    KB_CHECK(keystream_.Apply(ldu, f % kImbeFramesPerLdu, frames[f]));
  }
  return Advance();
}

Status VoiceCipher::Advance() { return Resync(keystream_.mi().Next()); }

Status VoiceCipher::Resync(const MessageIndicator& mi) {
  KB_TRY(SuperframeKeystream ks,
         SuperframeKeystream::Generate(keystream_.cipher(), key_.Reveal(), mi));
  keystream_ = std::move(ks);
  return Ok();
}

}  // namespace kb::p25
