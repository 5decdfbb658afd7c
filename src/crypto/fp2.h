// RFC 6508 section 2.1 and 3.2: F_p^2 = F_p[i], i^2 = -1, and the quotient group PF_p used for
// pairing values and g^r. An element x1 + x2*i of PF_p is defined up to an F_p* factor; its
// representative is x2/x1. In PF_p the conjugate is the inverse (conj(x) = N(x) * x^-1).
#pragma once

#include "crypto/fp1024.h"

namespace kb::crypto::sakke {

struct Fp2 {
  Fp a;  // real part x1
  Fp b;  // imaginary part x2
};

Fp2 Fp2One();
// Karatsuba: 3 multiplications.
void Fp2Mul(Fp2& r, const Fp2& x, const Fp2& y);
// (a+b)(a-b) + 2ab i: 2 multiplications.
void Fp2Sqr(Fp2& r, const Fp2& x);
// r = x * (1 + t*i): 2 multiplications.
void Fp2MulOnePlus(Fp2& r, const Fp2& x, const Fp& t);
// r = mask ? conj(x) : x.
void Fp2CondConj(Fp2& r, uint64_t mask, const Fp2& x);
// The PF_p representative x2/x1 (constant-time inversion).
Fp Fp2Representative(const Fp2& x);

}  // namespace kb::crypto::sakke
