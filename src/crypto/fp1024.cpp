// RFC 6508 section 2.1: F_p arithmetic for parameter set 1, Montgomery form, constant time.
#include "crypto/fp1024.h"

#include <gmp.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/encoding.h"
#include "core/secret.h"
#include "crypto/sakke_params.h"

namespace kb::crypto::sakke {
namespace {

static_assert(sizeof(mp_limb_t) == sizeof(uint64_t), "64-bit GMP limbs required");

constexpr size_t kScratchLimbs = 256;

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "keybridge: SAKKE field setup failed: %s\n", what);
  std::abort();
}

struct FieldConstants {
  Limbs p{};
  uint64_t pinv = 0;  // -p^-1 mod 2^64
  Limbs r2{};         // R^2 mod p
  Limbs r3{};         // R^3 mod p
  Limbs one{};        // R mod p

  FieldConstants() {
    auto bytes = FromHex(kPHex);
    if (!bytes || bytes->size() != 128) Die("p");
    p = LimbsFromBytes(*bytes);
    uint64_t inv = 1;
    for (int i = 0; i < 7; ++i) inv *= 2 - p[0] * inv;
    pinv = 0 - inv;
    // Public constants: plain mpz arithmetic is fine here.
    mpz_t mp, m;
    mpz_init(mp);
    mpz_init(m);
    mpz_import(mp, kLimbs, -1, sizeof(uint64_t), 0, 0, p.data());
    auto set = [&](Limbs& out, unsigned bits) {
      mpz_set_ui(m, 1);
      mpz_mul_2exp(m, m, bits);
      mpz_mod(m, m, mp);
      out.fill(0);
      mpz_export(out.data(), nullptr, -1, sizeof(uint64_t), 0, 0, m);
    };
    set(one, 1024);
    set(r2, 2048);
    set(r3, 3072);
    mpz_clear(mp);
    mpz_clear(m);
    if (mpn_sec_mul_itch(kLimbs, kLimbs) > static_cast<mp_size_t>(kScratchLimbs) ||
        mpn_sec_sqr_itch(kLimbs) > static_cast<mp_size_t>(kScratchLimbs) ||
        mpn_sec_invert_itch(kLimbs) > static_cast<mp_size_t>(kScratchLimbs)) {
      Die("GMP scratch size");
    }
  }
};

const FieldConstants& K() {
  static const FieldConstants k;
  return k;
}

// Montgomery reduction of a 2048-bit t (destroyed) into r, canonical. Fixed sequence of calls.
inline void Redc(uint64_t* r, uint64_t* t) {
  const FieldConstants& k = K();
  for (int i = 0; i < kLimbs; ++i) {
    uint64_t m = t[i] * k.pinv;
    t[i] = mpn_addmul_1(t + i, k.p.data(), kLimbs, m);  // t[i] became 0: keep the carry there
  }
  uint64_t res[kLimbs];
  uint64_t c = mpn_add_n(res, t + kLimbs, t, kLimbs);
  uint64_t s[kLimbs];
  uint64_t br = mpn_sub_n(s, res, k.p.data(), kLimbs);
  uint64_t use_s = 0 - (c | (br ^ 1));
  for (int i = 0; i < kLimbs; ++i) r[i] = (s[i] & use_s) | (res[i] & ~use_s);
}

}  // namespace

Limbs LimbsFromBytes(ByteView be) {
  Limbs out{};
  size_t n = be.size() > 128 ? 128 : be.size();
  for (size_t i = 0; i < n; ++i) {
    size_t bit = 8 * (n - 1 - i);
    out[bit / 64] |= static_cast<uint64_t>(be[be.size() - n + i]) << (bit % 64);
  }
  return out;
}

void LimbsToBytes(const Limbs& a, uint8_t out[128]) {
  for (size_t i = 0; i < 128; ++i) {
    size_t bit = 8 * (127 - i);
    out[i] = static_cast<uint8_t>(a[bit / 64] >> (bit % 64));
  }
}

const Limbs& PrimeP() { return K().p; }

Fp FpZero() { return Fp{}; }
Fp FpOne() { return Fp{K().one}; }

void FpMul(Fp& r, const Fp& a, const Fp& b) {
  uint64_t t[2 * kLimbs];
  uint64_t scratch[kScratchLimbs];
  mpn_sec_mul(t, a.l.data(), kLimbs, b.l.data(), kLimbs, scratch);
  Redc(r.l.data(), t);
}

void FpMulWide(uint64_t t[2 * kLimbs], const Fp& a, const Fp& b) {
  uint64_t scratch[kScratchLimbs];
  mpn_sec_mul(t, a.l.data(), kLimbs, b.l.data(), kLimbs, scratch);
}

void FpRedc(Fp& r, uint64_t t[2 * kLimbs]) { Redc(r.l.data(), t); }

void FpSqr(Fp& r, const Fp& a) {
  uint64_t t[2 * kLimbs];
  uint64_t scratch[kScratchLimbs];
  mpn_sec_sqr(t, a.l.data(), kLimbs, scratch);
  Redc(r.l.data(), t);
}

void FpAdd(Fp& r, const Fp& a, const Fp& b) {
  uint64_t s[kLimbs], t[kLimbs];
  uint64_t c = mpn_add_n(s, a.l.data(), b.l.data(), kLimbs);
  uint64_t br = mpn_sub_n(t, s, K().p.data(), kLimbs);
  uint64_t use_t = 0 - (c | (br ^ 1));
  for (int i = 0; i < kLimbs; ++i) r.l[i] = (t[i] & use_t) | (s[i] & ~use_t);
}

void FpSub(Fp& r, const Fp& a, const Fp& b) {
  uint64_t br = mpn_sub_n(r.l.data(), a.l.data(), b.l.data(), kLimbs);
  mpn_cnd_add_n(br, r.l.data(), r.l.data(), K().p.data(), kLimbs);
}

void FpNeg(Fp& r, const Fp& a) { FpSub(r, FpZero(), a); }
void FpDbl(Fp& r, const Fp& a) { FpAdd(r, a, a); }

Fp FpFromLimbs(const Limbs& a) {
  Fp x{a}, r;
  FpMul(r, x, Fp{K().r2});
  return r;
}

Limbs FpToLimbs(const Fp& a) {
  uint64_t t[2 * kLimbs] = {};
  for (int i = 0; i < kLimbs; ++i) t[i] = a.l[i];
  Limbs r;
  Redc(r.data(), t);
  return r;
}

Result<Fp> FpFromBytes(ByteView be, std::string_view field) {
  if (be.size() != 128) {
    return Fail(Error::Malformed(std::string(field) + ": expected 128 octets"));
  }
  Limbs a = LimbsFromBytes(be);
  uint64_t t[kLimbs];
  if (mpn_sub_n(t, a.data(), K().p.data(), kLimbs) == 0) {
    return Fail(Error::Malformed(std::string(field) + ": not below p"));
  }
  return FpFromLimbs(a);
}

void FpToBytes(const Fp& a, uint8_t out[128]) {
  Limbs x = FpToLimbs(a);
  LimbsToBytes(x, out);
  SecureWipe(x.data(), sizeof(x));
}

void FpInv(Fp& r, const Fp& a) {
  uint64_t ap[kLimbs], rp[kLimbs];
  uint64_t scratch[kScratchLimbs];
  for (int i = 0; i < kLimbs; ++i) ap[i] = a.l[i];
  // (aR)^-1 = a^-1 R^-1; one Montgomery product with R^3 gives a^-1 R.
  int ok = mpn_sec_invert(rp, ap, K().p.data(), kLimbs, 2 * 1024, scratch);
  uint64_t mask = 0 - static_cast<uint64_t>(ok & 1);
  Fp x;
  for (int i = 0; i < kLimbs; ++i) x.l[i] = rp[i] & mask;
  FpMul(r, x, Fp{K().r3});
  SecureWipe(rp, sizeof(rp));
  SecureWipe(scratch, sizeof(scratch));
}

namespace {

// The scan with a compile-time row size and a local accumulator, so the compiler vectorises it.
template <size_t kWords>
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void SelectRowFixed(uint64_t* __restrict out, const uint64_t* __restrict table, size_t entries,
                    uint32_t index) {
  uint64_t acc[kWords] = {};
  for (size_t u = 0; u < entries; ++u) {
    uint64_t x = static_cast<uint64_t>(static_cast<uint32_t>(u) ^ index);
    uint64_t m = ((x | (0 - x)) >> 63) - 1;
    const uint64_t* row = table + u * kWords;
    for (size_t w = 0; w < kWords; ++w) acc[w] |= row[w] & m;
  }
  for (size_t w = 0; w < kWords; ++w) out[w] = acc[w];
}

}  // namespace

void CtSelectRow(uint64_t* out, const uint64_t* table, size_t entries, size_t words,
                 uint32_t index) {
  if (words == kLimbs) {
    SelectRowFixed<kLimbs>(out, table, entries, index);
  } else if (words == 2 * kLimbs) {
    SelectRowFixed<2 * kLimbs>(out, table, entries, index);
  } else {
    for (size_t w = 0; w < words; ++w) out[w] = 0;
    for (size_t u = 0; u < entries; ++u) {
      uint64_t x = static_cast<uint64_t>(static_cast<uint32_t>(u) ^ index);
      uint64_t m = ((x | (0 - x)) >> 63) - 1;
      for (size_t w = 0; w < words; ++w) out[w] |= table[u * words + w] & m;
    }
  }
}

uint64_t FpIsZeroMask(const Fp& a) {
  uint64_t x = 0;
  for (int i = 0; i < kLimbs; ++i) x |= a.l[i];
  // (x | -x) has its top bit set iff x != 0.
  return ((x | (0 - x)) >> 63) - 1;
}

uint64_t FpEqualMask(const Fp& a, const Fp& b) {
  uint64_t x = 0;
  for (int i = 0; i < kLimbs; ++i) x |= a.l[i] ^ b.l[i];
  return ((x | (0 - x)) >> 63) - 1;
}

void FpSelect(Fp& r, uint64_t mask, const Fp& a, const Fp& b) {
  for (int i = 0; i < kLimbs; ++i) r.l[i] = (a.l[i] & mask) | (b.l[i] & ~mask);
}

void FpCondNeg(Fp& r, uint64_t mask, const Fp& a) {
  Fp n;
  FpNeg(n, a);
  FpSelect(r, mask, n, a);
}

}  // namespace kb::crypto::sakke
