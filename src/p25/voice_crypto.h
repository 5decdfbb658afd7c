// TIA-102.AAAD P25 Phase 1 voice encryption: the per-superframe keystream for ALGID 0x84
// (AES-256-OFB), 0x81 (DES-OFB) and 0xAA (Motorola ADP, RC4), the keystream octets of each IMBE
// codeword in LDU1/LDU2, and the MI sequence across superframes.
//
// A superframe is LDU1 (IMBE 1..9) followed by LDU2 (IMBE 10..18). Encryption XORs the 88
// information bits of each IMBE codeword (11 octets, packed MSB first, before FEC) with 11
// keystream octets at offset base + (LDU2 ? 101 : 0) + 11 + 11p + (p == 8 ? 2 : 0), p = 0..8.
// Encryption and decryption are the same operation.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <utility>

#include "core/bytes.h"
#include "core/secret.h"
#include "p25/message_indicator.h"

namespace kb::p25 {

// The traffic ciphers with a P25 voice keystream here, by their TIA-102.BAAC ALGID.
enum class TrafficCipher : uint8_t {
  kDesOfb = 0x81,
  kAes256 = 0x84,
  kAdp = 0xAA,
};

// The cipher named by an ALGID; kUnsupported for clear (0x80) and every other ALGID.
Result<TrafficCipher> TrafficCipherFromAlgId(uint8_t algid);

enum class Ldu : uint8_t { kLdu1 = 0, kLdu2 = 1 };

inline constexpr size_t kImbeFrameSize = 11;
inline constexpr size_t kImbeFramesPerLdu = 9;
inline constexpr size_t kImbeFramesPerSuperframe = 2 * kImbeFramesPerLdu;
using ImbeFrame = std::array<uint8_t, kImbeFrameSize>;

// Octets of keystream discarded before the voice window: 16 (AES), 8 (DES), 256 (ADP).
size_t KeystreamBase(TrafficCipher cipher);
// Octets of keystream generated per superframe: 240 (AES), 224 (DES), 469 (ADP).
size_t KeystreamLength(TrafficCipher cipher);
// Offset of the 11 keystream octets of IMBE frame p (0..8) of an LDU; kInvalidArgument if p > 8.
Result<size_t> ImbeKeystreamOffset(TrafficCipher cipher, Ldu ldu, size_t p);

// The keystream of one superframe, generated from the TEK and that superframe's MI. The key is
// 32 octets for AES-256; 1..8 octets for DES (8 with parity bits; shorter keys are left-padded
// with zeros) and 1..5 octets for ADP (left-padded to 5). An all-zero MI is rejected. The
// keystream is wiped on destruction.
class SuperframeKeystream {
 public:
  static Result<SuperframeKeystream> Generate(TrafficCipher cipher, ByteView key,
                                              const MessageIndicator& mi);

  TrafficCipher cipher() const { return cipher_; }
  const MessageIndicator& mi() const { return mi_; }
  // The 11 keystream octets of IMBE frame p (0..8) of an LDU.
  Result<ByteView> ImbeKeystream(Ldu ldu, size_t p) const;
  // XORs the keystream of IMBE frame p of an LDU onto frame (encrypts or decrypts in place).
  Status Apply(Ldu ldu, size_t p, std::span<uint8_t, kImbeFrameSize> frame) const;

 private:
  SuperframeKeystream(TrafficCipher cipher, const MessageIndicator& mi, SecretBytes buffer)
      : cipher_(cipher), mi_(mi), buffer_(std::move(buffer)) {}

  TrafficCipher cipher_;
  MessageIndicator mi_;
  SecretBytes buffer_;
};

// A voice call's cipher state: the TEK, the current superframe's MI and its keystream.
// Superframe 0 uses the MI of the HDU; LDU2 of superframe n carries MI(n+1) = LFSR(MI(n)) in
// its encryption sync, and both ends move to it after the 18th IMBE frame (Advance). A
// receiver that joins late, or sees a different MI in LDU2's encryption sync, calls
// Resync with the MI that applies to the next superframe. Not thread-safe.
class VoiceCipher {
 public:
  static Result<VoiceCipher> Create(TrafficCipher cipher, SecretBytes key,
                                    const MessageIndicator& first_mi);

  TrafficCipher cipher() const { return keystream_.cipher(); }
  // The MI of the current superframe (the HDU's for superframe 0).
  const MessageIndicator& mi() const { return keystream_.mi(); }
  // The MI LDU2 of the current superframe carries in its encryption sync.
  MessageIndicator next_mi() const { return keystream_.mi().Next(); }

  // Encrypts or decrypts IMBE frame p (0..8) of an LDU of the current superframe in place.
  Status Apply(Ldu ldu, size_t p, std::span<uint8_t, kImbeFrameSize> frame) const;
  // Applies the cipher to the 18 IMBE frames of the current superframe (LDU1 then LDU2), then
  // advances to the next superframe.
  Status ApplySuperframe(std::span<ImbeFrame, kImbeFramesPerSuperframe> frames);
  // Moves to the next superframe: MI = LFSR(MI) and a new keystream.
  Status Advance();
  // Adopts mi for the current superframe (late entry, or an MI received in an encryption sync).
  Status Resync(const MessageIndicator& mi);

 private:
  VoiceCipher(SecretBytes key, SuperframeKeystream keystream)
      : key_(std::move(key)), keystream_(std::move(keystream)) {}

  SecretBytes key_;
  SuperframeKeystream keystream_;
};

}  // namespace kb::p25
