// TIA-102.BAAC algorithm IDs (ALGID) that keybridge names, and their key lengths.
#pragma once

#include <cstddef>
#include <cstdint>

namespace kb::p25 {

inline constexpr uint8_t kAlgidClear = 0x80;   // unencrypted
inline constexpr uint8_t kAlgidDesOfb = 0x81;  // DES-OFB, 8-octet key
inline constexpr uint8_t kAlgidAes256 = 0x84;  // AES-256, 32-octet key
inline constexpr uint8_t kAlgidAes128 = 0x85;  // AES-128 (KFDtool)
inline constexpr uint8_t kAlgidAdp = 0xAA;     // Motorola ADP (RC4), 5-octet key

// The key length of an ALGID keybridge can store, or 0 when the ALGID is not supported.
constexpr size_t KeyLengthOf(uint8_t algid) {
  switch (algid) {
    case kAlgidAes256:
      return 32;
    case kAlgidAes128:
      return 16;
    case kAlgidDesOfb:
      return 8;
    case kAlgidAdp:
      return 5;
    default:
      return 0;
  }
}

}  // namespace kb::p25
