// RFC 6508 section 2.1: F_p^2 arithmetic (Karatsuba products) and the PF_p representative.
#include "crypto/fp2.h"

#include <gmp.h>

namespace kb::crypto::sakke {

Fp2 Fp2One() { return Fp2{FpOne(), FpZero()}; }

void Fp2Mul(Fp2& r, const Fp2& x, const Fp2& y) {
  // Karatsuba with lazy reduction: three 2048-bit products, two Montgomery reductions. A
  // negative difference is corrected by adding p*2^1024 under a mask (mpn_cnd_add_n), which
  // keeps every input to the reduction in [0, p*2^1024).
  constexpr int n = kLimbs;
  uint64_t A[2 * n], B[2 * n], C[2 * n];
  Fp s, t;
  FpAdd(s, x.a, x.b);
  FpAdd(t, y.a, y.b);
  FpMulWide(A, x.a, y.a);
  FpMulWide(B, x.b, y.b);
  FpMulWide(C, s, t);
  const uint64_t* p = PrimeP().data();
  // C = C - A - B (the imaginary part ad + bc), each step corrected into [0, p R).
  uint64_t br = mpn_sub_n(C, C, A, 2 * n);
  mpn_cnd_add_n(br, C + n, C + n, p, n);
  br = mpn_sub_n(C, C, B, 2 * n);
  mpn_cnd_add_n(br, C + n, C + n, p, n);
  // A = A - B (the real part).
  br = mpn_sub_n(A, A, B, 2 * n);
  mpn_cnd_add_n(br, A + n, A + n, p, n);
  FpRedc(r.a, A);
  FpRedc(r.b, C);
}

void Fp2Sqr(Fp2& r, const Fp2& x) {
  Fp s, d, m;
  FpAdd(s, x.a, x.b);
  FpSub(d, x.a, x.b);
  FpMul(m, x.a, x.b);
  FpMul(r.a, s, d);
  FpDbl(r.b, m);
}

void Fp2MulOnePlus(Fp2& r, const Fp2& x, const Fp& t) {
  Fp bt, at;
  FpMul(bt, x.b, t);
  FpMul(at, x.a, t);
  FpSub(r.a, x.a, bt);
  FpAdd(r.b, at, x.b);
}

void Fp2CondConj(Fp2& r, uint64_t mask, const Fp2& x) {
  r.a = x.a;
  FpCondNeg(r.b, mask, x.b);
}

Fp Fp2Representative(const Fp2& x) {
  Fp inv, r;
  FpInv(inv, x.a);
  FpMul(r, x.b, inv);
  return r;
}

}  // namespace kb::crypto::sakke
