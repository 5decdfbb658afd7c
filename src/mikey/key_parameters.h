// TS 33.180 E.6 (Table E.6.1-1): the Key Parameters carried, encrypted, in General Extension
// type 7: key type, status, activation and expiry times, text and MC group IDs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/bytes.h"

namespace kb::mikey {

// E.6.9 status bits (bit 0 is the least significant bit of the 32-bit field).
inline constexpr uint32_t kKeyStatusNotRevoked = 0x1;
inline constexpr uint32_t kKeyStatusSharedWithSecurityGateway = 0x2;

// The IEI written for each MC group ID (TS 24.282 15.2.14). The value is not confirmed; the
// decoder keeps whatever IEI it reads. See docs/mikey-sakke.md.
inline constexpr uint8_t kMcGroupIdIei = 0x00;

struct McGroupId {
  uint8_t iei = kMcGroupIdIei;
  std::string id;  // the MC group ID (a URI), 16-bit length

  friend bool operator==(const McGroupId&, const McGroupId&) = default;
};

// The plaintext of the key parameters. Times are 40-bit values holding NTP-UTC seconds; 0 means
// "not set" (no bound).
struct KeyParameters {
  uint8_t key_type = 0;  // E.6.11, numbered like the purpose tags (GMK 0, PCK 1, CSK 2, ...)
  uint32_t status = kKeyStatusNotRevoked;
  uint64_t activation_time = 0;
  uint64_t expiry_time = 0;
  std::string text;
  bool group_ids_present = true;  // the LV-E group ID list (absent only in received messages)
  std::vector<McGroupId> group_ids;
  Bytes reserved;  // octets after the group IDs, kept as received

  bool not_revoked() const { return (status & kKeyStatusNotRevoked) != 0; }
  bool shared_with_security_gateway() const {
    return (status & kKeyStatusSharedWithSecurityGateway) != 0;
  }

  // Parses the whole plaintext.
  static Result<KeyParameters> Decode(ByteView plaintext);
  Result<Bytes> Encode() const;

  friend bool operator==(const KeyParameters&, const KeyParameters&) = default;
};

}  // namespace kb::mikey
