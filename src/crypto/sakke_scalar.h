// RFC 6508 sections 5.1 and 6: integers modulo q = (p+1)/4 (1022 bits) for SAKKE, constant time
// (GMP mpn_sec_* functions, fixed limb counts), and HashToIntegerRange with SHA-256.
#pragma once

#include "core/bytes.h"
#include "crypto/fp1024.h"

namespace kb::crypto::sakke {

// A non-negative integer below q, 16 little-endian limbs.
using Scalar = Limbs;

const Scalar& OrderQ();

// The big-endian integer in be (any length) reduced mod q, constant time for a given length.
Scalar ScalarFromBytes(ByteView be);
void ScalarToBytes(const Scalar& a, uint8_t out[128]);
Scalar ScalarMulMod(const Scalar& a, const Scalar& b);
Scalar ScalarAddMod(const Scalar& a, const Scalar& b);
// q - a for a in [1, q-1] (and q for a = 0).
Scalar ScalarNegRaw(const Scalar& a);
// a^-1 mod q; ok is set to false when a = 0 (constant time otherwise).
Scalar ScalarInvMod(const Scalar& a, bool& ok);
uint64_t ScalarIsZeroMask(const Scalar& a);
// All ones if a < q, constant time.
uint64_t ScalarBelowQMask(const Scalar& a);
// Lowest bit as an all-ones / zero mask.
inline uint64_t ScalarOddMask(const Scalar& a) { return 0 - (a[0] & 1); }

// HashToIntegerRange(s, q, SHA-256) (RFC 6508 5.1, l = 4).
Scalar HashToRangeQ(ByteView s);
// HashToIntegerRange(s, 2^128, SHA-256) (l = 1): the last 16 octets of v_1.
void HashToRange128(ByteView s, uint8_t out[16]);

}  // namespace kb::crypto::sakke
