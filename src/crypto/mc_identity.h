// TS 33.180 identities: the MIKEY-SAKKE UID (Annex F.2.1) and end-point diversity, the GUK-ID
// user salt (5.2.3, Annex F.1.3), and the purpose tags of key identifiers (5.2.2, E.6.11).
#pragma once

#include <array>
#include <string_view>

#include "core/bytes.h"
#include "core/ntp_time.h"

namespace kb::crypto {

using Uid = std::array<uint8_t, 32>;

// UID = SHA-256(0x00 || "MIKEY-SAKKE-UID" || L0 || uri || L1 || kms_uri || L2 || period || L3
// || offset || L4 || period_number || L5), integers as minimal big-endian (0 as one 0x00).
Uid MikeySakkeUid(std::string_view uri, std::string_view kms_uri, const KeyPeriod& period,
                  uint64_t period_number);

// The 4-bit purpose tag in the top nibble of a 32-bit key identifier.
enum class PurposeTag : uint8_t {
  kGmk = 0,
  kPck = 1,
  kCsk = 2,
  kSpk = 3,
  kMkfc = 4,
  kMscck = 5,
  kMusik = 6,
};
inline uint8_t PurposeTagOf(uint32_t key_id) { return static_cast<uint8_t>(key_id >> 28); }

// The 28-bit user salt: 28 LSBs of KDF(key = gmk, FC = 0x50, P0 = user_uri).
uint32_t GukIdSalt(ByteView gmk, std::string_view user_uri);
// GUK-ID = GMK-ID XOR salt on the low 28 bits; the purpose nibble is kept. The same function
// recovers the GMK-ID from a GUK-ID.
uint32_t GukIdFromGmkId(uint32_t gmk_id, ByteView gmk, std::string_view user_uri);

}  // namespace kb::crypto
