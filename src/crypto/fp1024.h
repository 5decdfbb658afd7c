// RFC 6508 section 2.1 / RFC 6509 Appendix A: the prime field F_p of SAKKE parameter set 1
// (p of 1024 bits), in Montgomery form with 16 64-bit limbs.
//
// Every operation runs in time independent of the values (fixed limb counts, no branches or
// memory indices that depend on the data): products use GMP's mpn_sec_mul/mpn_sec_sqr
// (basecase schoolbook), the Montgomery reduction is a fixed sequence of mpn_addmul_1 calls
// followed by a masked final subtraction, and inversion uses mpn_sec_invert. Elements are kept
// canonical (in [0, p)) in Montgomery form a*R mod p, R = 2^1024.
#pragma once

#include <array>
#include <cstdint>

#include "core/bytes.h"
#include "core/error.h"

namespace kb::crypto::sakke {

inline constexpr int kLimbs = 16;
using Limbs = std::array<uint64_t, kLimbs>;  // little-endian limbs

// An element of F_p in Montgomery form.
struct Fp {
  Limbs l{};
};

// Limb arithmetic helpers shared with the scalar code.
Limbs LimbsFromBytes(ByteView be);                    // big-endian, at most 128 octets
void LimbsToBytes(const Limbs& a, uint8_t out[128]);  // big-endian, 128 octets

const Limbs& PrimeP();

Fp FpZero();
Fp FpOne();
// Conversion from/to the canonical integer (public or secret: both constant time).
Fp FpFromLimbs(const Limbs& a);  // a < p required
Limbs FpToLimbs(const Fp& a);
// Parses 128 big-endian octets; fails (kMalformed, naming field) if the value is >= p.
Result<Fp> FpFromBytes(ByteView be, std::string_view field);
void FpToBytes(const Fp& a, uint8_t out[128]);

void FpMul(Fp& r, const Fp& a, const Fp& b);
// The unreduced 2048-bit product and the Montgomery reduction of a value t < p*2^1024 (t is
// destroyed), for lazy reduction in F_p^2.
void FpMulWide(uint64_t t[2 * kLimbs], const Fp& a, const Fp& b);
void FpRedc(Fp& r, uint64_t t[2 * kLimbs]);
void FpSqr(Fp& r, const Fp& a);
void FpAdd(Fp& r, const Fp& a, const Fp& b);
void FpSub(Fp& r, const Fp& a, const Fp& b);
void FpNeg(Fp& r, const Fp& a);
void FpDbl(Fp& r, const Fp& a);
// r = a^-1 (0 maps to 0), constant time.
void FpInv(Fp& r, const Fp& a);

// All-ones mask if a == 0 / a == b, else 0; constant time.
uint64_t FpIsZeroMask(const Fp& a);
uint64_t FpEqualMask(const Fp& a, const Fp& b);
// Copies entry `index` of a table of `entries` rows of `words` 64-bit words into out, reading
// every row and keeping one by mask (constant-time table lookup; vectorised where available).
void CtSelectRow(uint64_t* out, const uint64_t* table, size_t entries, size_t words,
                 uint32_t index);
// r = mask ? a : b (mask all ones or zero).
void FpSelect(Fp& r, uint64_t mask, const Fp& a, const Fp& b);
// r = mask ? -a : a.
void FpCondNeg(Fp& r, uint64_t mask, const Fp& a);

}  // namespace kb::crypto::sakke
