// TIA-102.AACA 10.3 fields shared by several KMM bodies: the decryption instruction (DIF, KEK
// ALGID/KID, optional MI) and the key item (Key Format, SLN, KID, key).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/secret.h"

namespace kb::p25 {

// The 9 octets of a Message Indicator as carried in a KMM (the 9th is reserved; kept as is).
using MiOctets = std::array<uint8_t, 9>;

// Decryption Instruction Format values.
inline constexpr uint8_t kDifNone = 0x00;
inline constexpr uint8_t kDifMiFollows = 0x40;

// DIF(1) · KEK ALGID(1) · KEK KID(2) · [MI(9) when DIF = 0x40].
struct DecryptionInstruction {
  uint8_t kek_algid = 0;
  uint16_t kek_kid = 0;
  std::optional<MiOctets> mi;  // DIF 0x40 when present, 0x00 otherwise

  bool operator==(const DecryptionInstruction&) const = default;
};

Result<DecryptionInstruction> DecodeDecryptionInstruction(ByteReader& r);
void EncodeDecryptionInstruction(const DecryptionInstruction& d, ByteWriter& w);

// Key Format bits (KFDtool's reading, supported by the AACA example's 0x00 for a TEK).
inline constexpr uint8_t kKeyFormatKek = 0x80;
inline constexpr uint8_t kKeyFormatErase = 0x20;
inline constexpr uint8_t kKeyFormatNameLengthMask = 0x1F;

// KeyFormat(1) · SLN(2) · KID(2) · key(KeyLength). The key is as on the wire: wrapped under
// the KEK in OTAR, in the clear when keyloading with KEK ALGID 0x80; either way a SecretBytes.
struct KeyItem {
  uint8_t key_format = 0;
  uint16_t sln = 0;
  uint16_t kid = 0;
  SecretBytes key;

  bool IsKek() const { return (key_format & kKeyFormatKek) != 0; }
  bool IsErase() const { return (key_format & kKeyFormatErase) != 0; }
  KeyItem Clone() const { return {key_format, sln, kid, key.Clone()}; }
  bool operator==(const KeyItem&) const = default;
};

// Reads one key item whose key field has key_length octets. A non-zero key-name length (the
// low 5 bits of Key Format) is refused as kUnsupported: no source shows where the name goes.
Result<KeyItem> DecodeKeyItem(ByteReader& r, size_t key_length);
// Fails (kInvalidArgument) when the key is not key_length octets or carries a name length.
Status EncodeKeyItem(const KeyItem& item, size_t key_length, ByteWriter& w);

// A count that must fit in `octets` octets.
Result<uint64_t> CheckedCount(size_t n, size_t octets, std::string_view field);

// Moves a vector of move-only items into a deep copy.
template <typename T>
std::vector<T> CloneAll(const std::vector<T>& v) {
  std::vector<T> out;
  out.reserve(v.size());
  for (const auto& x : v) out.push_back(x.Clone());
  return out;
}

}  // namespace kb::p25
