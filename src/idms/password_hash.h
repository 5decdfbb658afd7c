// RFC 7914 scrypt: the IdMS password hash, a slow salted hash with its cost and salt encoded
// in the stored string (docs/idms.md, "Passwords").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace kb::idms {

// scrypt cost: N = 2^log2_n, block size r, parallelism p. The default takes about 0.1 s and
// 32 MiB on one core; tests use a small cost.
struct ScryptCost {
  uint8_t log2_n = 15;
  uint32_t r = 8;
  uint32_t p = 1;
};

// Largest cost Verify accepts from a stored string (N = 2^20, r = 16, p = 4), so that a
// damaged or hostile record cannot make one login take gigabytes.
inline constexpr uint8_t kMaxLog2N = 20;

// "$scrypt$ln=15,r=8,p=1$<base64 16-octet salt>$<base64 32-octet hash>" with a fresh salt.
std::string HashPassword(std::string_view password, const ScryptCost& cost = {});

// True when password matches encoded (constant-time compare of the hashes); false for a wrong
// password; kMalformed for a string not in HashPassword's form or above the cost ceiling.
Result<bool> VerifyPassword(std::string_view password, std::string_view encoded);

}  // namespace kb::idms
