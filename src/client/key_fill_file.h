// keybridge key-fill file (docs/key-fill-file.md): the out-of-band path for an LMR root key
// (TIA-102.AACA 13.3 UKEK, loaded by hand or by a keyloader instead of over the CMS, seed 004).
// A small line-based text file: RSI, ALGID, KID, keyset, SLN, key name, key in hex and a
// checksum over the text before it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/secret.h"

namespace kb::client {

inline constexpr std::string_view kKeyFillMagic = "keybridge-key-fill 1";
inline constexpr size_t kMaxKeyFillBytes = 4096;

// One key to load. The key itself never leaves SecretBytes.
struct KeyFill {
  uint32_t rsi = 0;       // the radio the key belongs to (24 bits)
  uint8_t algid = 0;      // TIA-102.BAAC ALGID; the key length must match it
  uint16_t kid = 0;       // key ID
  uint8_t keyset = 0xFF;  // 0xFF = the KEK keyset (a UKEK)
  uint16_t sln = 0;       // storage location number
  std::string name;       // UTF-8, no control characters, at most 255 octets; may be empty
  SecretBytes key;
};

// Parses and checks a key-fill file. Errors (kMalformed, kTruncated, kUnsupported) name the
// line and field; none of them quotes the key. The checksum is checked last.
Result<KeyFill> ParseKeyFill(std::string_view text);

// Writes a key-fill file (with its checksum) that ParseKeyFill reads back.
Result<SecretBytes> FormatKeyFill(const KeyFill& fill);

// The checksum field: the first 4 octets of SHA-256 over every octet before the check line,
// as 8 lower-case hex digits.
std::string KeyFillChecksum(std::string_view text_before_check_line);

}  // namespace kb::client
