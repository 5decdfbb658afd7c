// RFC 6508 section 2.1: F_p^2 arithmetic (Karatsuba products) and the PF_p representative.
#include "crypto/fp2.h"

namespace kb::crypto::sakke {

Fp2 Fp2One() { return Fp2{FpOne(), FpZero()}; }

void Fp2Mul(Fp2& r, const Fp2& x, const Fp2& y) {
  Fp A, B, s, t, C;
  FpMul(A, x.a, y.a);
  FpMul(B, x.b, y.b);
  FpAdd(s, x.a, x.b);
  FpAdd(t, y.a, y.b);
  FpMul(C, s, t);
  FpSub(r.a, A, B);
  FpSub(C, C, A);
  FpSub(r.b, C, B);
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
