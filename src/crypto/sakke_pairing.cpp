// RFC 6508 section 3.2: Tate-Lichtenbaum pairing (Jacobian Miller loop, RSK line table) and
// PF_p exponentiation.
#include "crypto/sakke_pairing.h"

#include <cstdlib>

#include "core/encoding.h"
#include "core/secret.h"
#include "crypto/sakke_params.h"

namespace kb::crypto::sakke {
namespace {

constexpr int kTopBit = 1021;  // q - 1 has 1022 bits; the loop starts below its top bit

// Bit n of q - 1 (public).
bool QMinusOneBit(int n) {
  if (n == 0) return false;  // q is odd
  return ((OrderQ()[n / 64] >> (n % 64)) & 1) != 0;
}

Fp Three(const Fp& a) {
  Fp t;
  FpDbl(t, a);
  FpAdd(t, t, a);
  return t;
}

// One doubling step of the Jacobian loop: updates c and returns the line parts
// numerator_c (coefficient of Qx), numerator_a and the denominator, so that the line at psi(Q)
// is ((na + nc*Qx) + den*Qy*i) up to an F_p factor.
void DoublingStep(JacobianPoint& c, Fp& nc, Fp& na, Fp& den, const AffinePoint* q = nullptr) {
  Fp delta, gamma, beta, alpha, t1, t2, z3;
  FpSqr(delta, c.Z);
  FpSqr(gamma, c.Y);
  FpMul(beta, c.X, gamma);
  FpSub(t1, c.X, delta);
  FpAdd(t2, c.X, delta);
  FpMul(alpha, t1, t2);
  alpha = Three(alpha);
  FpAdd(z3, c.Y, c.Z);
  FpSqr(z3, z3);
  FpSub(z3, z3, gamma);
  FpSub(z3, z3, delta);
  if (q != nullptr) {
    // The line value itself: na = T1, den = T2 (nc unused).
    FpMul(t1, q->x, delta);
    FpAdd(t1, t1, c.X);
    FpMul(t1, alpha, t1);
    FpDbl(t2, gamma);
    FpSub(na, t1, t2);
    FpMul(t1, z3, delta);
    FpMul(den, t1, q->y);
  } else {
    // line: T1 = alpha*X - 2 gamma + alpha*delta*Qx, T2 = Z'*delta*Qy
    FpMul(nc, alpha, delta);
    FpMul(t1, alpha, c.X);
    FpDbl(t2, gamma);
    FpSub(na, t1, t2);
    FpMul(den, z3, delta);
  }
  // point: X' = alpha^2 - 8 beta, Y' = alpha(4 beta - X') - 8 gamma^2
  Fp x3, y3;
  FpSqr(x3, alpha);
  FpDbl(t1, beta);
  FpDbl(t1, t1);
  FpDbl(t2, t1);
  FpSub(x3, x3, t2);
  FpSub(t1, t1, x3);
  FpMul(y3, alpha, t1);
  FpSqr(t2, gamma);
  FpDbl(t2, t2);
  FpDbl(t2, t2);
  FpDbl(t2, t2);
  FpSub(c.Y, y3, t2);
  c.X = x3;
  c.Z = z3;
}

// One addition step C = C + R (R affine): line T1 = rho*Qx + (rho*Rx - Z'*Ry), T2 = Z'*Qy.
void AdditionStep(JacobianPoint& c, const AffinePoint& r, Fp& nc, Fp& na, Fp& den,
                  const AffinePoint* q = nullptr) {
  Fp zz, u, s, h, rho, z3, hh, hhh, v, t;
  FpSqr(zz, c.Z);
  FpMul(u, r.x, zz);
  FpMul(t, c.Z, zz);
  FpMul(s, r.y, t);
  FpSub(h, u, c.X);
  FpSub(rho, s, c.Y);
  FpMul(z3, c.Z, h);
  FpSqr(hh, h);
  FpMul(hhh, h, hh);
  FpMul(v, c.X, hh);
  Fp x3, y3;
  FpSqr(x3, rho);
  FpSub(x3, x3, hhh);
  FpSub(x3, x3, v);
  FpSub(x3, x3, v);
  FpSub(t, v, x3);
  FpMul(y3, rho, t);
  FpMul(t, c.Y, hhh);
  FpSub(y3, y3, t);
  Fp zy;
  FpMul(zy, z3, r.y);
  if (q != nullptr) {
    FpAdd(t, q->x, r.x);
    FpMul(t, rho, t);
    FpSub(na, t, zy);
    FpMul(den, z3, q->y);
  } else {
    nc = rho;
    FpMul(t, rho, r.x);
    FpSub(na, t, zy);
    den = z3;
  }
  c.X = x3;
  c.Y = y3;
  c.Z = z3;
}

Fp2 FinalPower(const Fp2& v) {
  Fp2 w;
  Fp2Sqr(w, v);
  Fp2Sqr(w, w);
  return w;
}

}  // namespace

Fp2 MillerLoop(const AffinePoint& r, const AffinePoint& q) {
  Fp2 v = Fp2One();
  JacobianPoint c = ToJacobian(r);
  Fp nc, na, den;
  for (int n = kTopBit - 1; n >= 0; --n) {
    Fp2Sqr(v, v);
    // Doubling line at psi(Q): T1 = alpha*(X + Qx*delta) - 2 gamma, T2 = Z'*delta*Qy.
    DoublingStep(c, nc, na, den, &q);
    Fp2 line{na, den};
    Fp2Mul(v, v, line);
    if (QMinusOneBit(n)) {
      // Addition line: T1 = rho*(Qx + Rx) - Z'*Ry, T2 = Z'*Qy.
      AdditionStep(c, r, nc, na, den, &q);
      Fp2 line2{na, den};
      Fp2Mul(v, v, line2);
    }
  }
  return FinalPower(v);
}

Fp Pairing(const AffinePoint& r, const AffinePoint& q) {
  return Fp2Representative(MillerLoop(r, q));
}

LineTable::LineTable(const AffinePoint& k) {
  std::vector<Fp> nums;
  std::vector<Fp> dens;
  nums.reserve(2 * 1533);
  dens.reserve(1533);
  JacobianPoint c = ToJacobian(k);
  Fp nc, na, den;
  for (int n = kTopBit - 1; n >= 0; --n) {
    DoublingStep(c, nc, na, den);
    nums.push_back(nc);
    nums.push_back(na);
    dens.push_back(den);
    if (QMinusOneBit(n)) {
      AdditionStep(c, k, nc, na, den);
      nums.push_back(nc);
      nums.push_back(na);
      dens.push_back(den);
    }
  }
  // Batch inversion of the denominators (a fixed sequence of products and one CT inversion).
  size_t m = dens.size();
  std::vector<Fp> prefix(m);
  Fp acc = FpOne();
  for (size_t i = 0; i < m; ++i) {
    prefix[i] = acc;
    FpMul(acc, acc, dens[i]);
  }
  Fp inv;
  FpInv(inv, acc);
  coeffs_.resize(2 * m);
  for (size_t i = m; i-- > 0;) {
    Fp di;
    FpMul(di, inv, prefix[i]);
    FpMul(inv, inv, dens[i]);
    FpMul(coeffs_[2 * i], nums[2 * i], di);
    FpMul(coeffs_[2 * i + 1], nums[2 * i + 1], di);
  }
  SecureWipe(nums.data(), nums.size() * sizeof(Fp));
  SecureWipe(dens.data(), dens.size() * sizeof(Fp));
  SecureWipe(prefix.data(), prefix.size() * sizeof(Fp));
  SecureWipe(&c, sizeof(c));
  SecureWipe(&inv, sizeof(inv));
  SecureWipe(&acc, sizeof(acc));
}

LineTable::~LineTable() { SecureWipe(coeffs_.data(), coeffs_.size() * sizeof(Fp)); }

Fp2 LineTable::Evaluate(const AffinePoint& q) const {
  // Each line at psi(Q) is (a + c*Qx) + Qy*i. A doubling line followed by an addition line is
  // multiplied out first: (T1 + Qy i)(T1' + Qy i) = (T1*T1' - Qy^2) + Qy*(T1 + T1')*i.
  Fp qy2;
  FpSqr(qy2, q.y);
  Fp2 v = Fp2One();
  const Fp* line = coeffs_.data();
  for (int n = kTopBit - 1; n >= 0; --n) {
    Fp2Sqr(v, v);
    Fp2 l;
    FpMul(l.a, line[0], q.x);
    FpAdd(l.a, l.a, line[1]);
    line += 2;
    if (QMinusOneBit(n)) {
      Fp t2, sum;
      FpMul(t2, line[0], q.x);
      FpAdd(t2, t2, line[1]);
      line += 2;
      FpAdd(sum, l.a, t2);
      FpMul(l.a, l.a, t2);
      FpSub(l.a, l.a, qy2);
      FpMul(l.b, q.y, sum);
    } else {
      l.b = q.y;
    }
    Fp2Mul(v, v, l);
  }
  return FinalPower(v);
}

// ---------------------------------------------------------------------------------------------
// PF_p powers.

PfPowTable::PfPowTable(const Fp& g) {
  constexpr int kTeeth = FixedBaseComb::kTeeth;
  constexpr int kCols = FixedBaseComb::kCols;
  constexpr int kEntries = FixedBaseComb::kEntries;
  Fp2 b[kTeeth];
  b[0] = Fp2{FpOne(), g};
  for (int i = 1; i < kTeeth; ++i) {
    b[i] = b[i - 1];
    for (int k = 0; k < kCols; ++k) Fp2Sqr(b[i], b[i]);
  }
  std::vector<Fp2> t(kEntries);
  t[0] = b[0];
  for (int i = 1; i < kTeeth; ++i) {
    Fp2 c;
    Fp2CondConj(c, ~uint64_t{0}, b[i]);
    Fp2Mul(t[0], t[0], c);
  }
  Fp2 twice[kTeeth];
  for (int i = 1; i < kTeeth; ++i) Fp2Sqr(twice[i], b[i]);
  for (int u = 1; u < kEntries; ++u) {
    int m = 31 - __builtin_clz(static_cast<unsigned>(u));
    Fp2Mul(t[u], t[u - (1 << m)], twice[m + 1]);
  }
  // Normalise each entry to 1 + t*i (batch inversion of the real parts; public data).
  std::vector<Fp> prefix(kEntries);
  Fp acc = FpOne();
  for (int u = 0; u < kEntries; ++u) {
    prefix[u] = acc;
    FpMul(acc, acc, t[u].a);
  }
  Fp inv;
  FpInv(inv, acc);
  table_.resize(kEntries);
  for (int u = kEntries; u-- > 0;) {
    Fp ai;
    FpMul(ai, inv, prefix[u]);
    FpMul(inv, inv, t[u].a);
    FpMul(table_[u], t[u].b, ai);
  }
}

void PfPowTable::Lookup(Fp& out, uint32_t index, uint64_t neg) const {
  static_assert(sizeof(Fp) == kLimbs * sizeof(uint64_t));
  Fp acc;
  CtSelectRow(acc.l.data(), reinterpret_cast<const uint64_t*>(table_.data()), table_.size(), kLimbs,
              index);
  FpCondNeg(out, neg, acc);
}

Fp2 PfPowTable::Pow(const Scalar& k) const {
  constexpr int kCols = FixedBaseComb::kCols;
  FixedBaseComb::Recoded rc;
  FixedBaseComb::Recode(k, rc);
  Fp t;
  Lookup(t, rc.index[kCols - 1], rc.neg[kCols - 1]);
  Fp2 acc{FpOne(), t};
  for (int j = kCols - 2; j >= 0; --j) {
    Fp2Sqr(acc, acc);
    Lookup(t, rc.index[j], rc.neg[j]);
    Fp2MulOnePlus(acc, acc, t);
  }
  SecureWipe(&t, sizeof(t));
  return acc;
}

const Fp& GeneratorG() {
  static const Fp g = [] {
    auto b = FromHex(kGHex);
    if (!b) std::abort();
    auto f = FpFromBytes(*b, "g");
    if (!f) std::abort();
    return *f;
  }();
  return g;
}

const PfPowTable& GTable() {
  static const PfPowTable table(GeneratorG());
  return table;
}

Fp2 PfPowPlain(const Fp& g, const Scalar& k) {
  Fp2 acc = Fp2One();
  for (int n = 1023; n >= 0; --n) {
    Fp2Sqr(acc, acc);
    Fp2 m;
    Fp2MulOnePlus(m, acc, g);
    uint64_t bit = 0 - ((k[n / 64] >> (n % 64)) & 1);
    FpSelect(acc.a, bit, m.a, acc.a);
    FpSelect(acc.b, bit, m.b, acc.b);
  }
  return acc;
}

}  // namespace kb::crypto::sakke
