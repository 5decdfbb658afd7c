// RFC 6508 sections 2.1 and 4: curve arithmetic on y^2 = x^3 - 3x and fixed-base combs.
#include "crypto/sakke_curve.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "core/encoding.h"
#include "core/secret.h"
#include "crypto/sakke_params.h"

namespace kb::crypto::sakke {
namespace {

Fp FpFromHexConst(std::string_view hex) {
  auto b = FromHex(hex);
  if (!b) std::abort();
  auto f = FpFromBytes(*b, "constant");
  if (!f) std::abort();
  return *f;
}

Fp Small(uint64_t v) {
  Limbs l{};
  l[0] = v;
  return FpFromLimbs(l);
}

}  // namespace

const AffinePoint& BasePointP() {
  static const AffinePoint p{FpFromHexConst(kPxHex), FpFromHexConst(kPyHex)};
  return p;
}

bool IsOnCurve(const AffinePoint& a) {
  Fp y2, x2, t, rhs;
  FpSqr(y2, a.y);
  FpSqr(x2, a.x);
  FpSub(t, x2, Small(3));
  FpMul(rhs, t, a.x);
  return FpEqualMask(y2, rhs) != 0;
}

Result<AffinePoint> DecodePoint(ByteView encoded, std::string_view field) {
  std::string f(field);
  if (encoded.size() != 257) {
    return Fail(Error::Malformed(f + ": expected 257 octets (0x04 || x || y), got " +
                                 std::to_string(encoded.size())));
  }
  ByteReader r(encoded);
  KB_TRY(uint8_t prefix, r.U8(f + ".prefix"));
  if (prefix != 0x04) {
    return Fail(Error::Malformed(f + " at offset 0: expected the uncompressed prefix 0x04"));
  }
  KB_TRY(ByteView xb, r.Take(128, f + ".x"));
  KB_TRY(ByteView yb, r.Take(128, f + ".y"));
  KB_CHECK(r.ExpectEnd(f));
  KB_TRY(Fp x, FpFromBytes(xb, f + ".x"));
  KB_TRY(Fp y, FpFromBytes(yb, f + ".y"));
  AffinePoint a{x, y};
  if (!IsOnCurve(a)) return Fail(Error::Malformed(f + ": the point is not on the curve"));
  return a;
}

Bytes EncodePoint(const AffinePoint& a) {
  Bytes out(257);
  out[0] = 0x04;
  FpToBytes(a.x, out.data() + 1);
  FpToBytes(a.y, out.data() + 129);
  return out;
}

JacobianPoint ToJacobian(const AffinePoint& a) { return JacobianPoint{a.x, a.y, FpOne()}; }

void JacDouble(JacobianPoint& r, const JacobianPoint& p) {
  Fp delta, gamma, beta, alpha, t1, t2, x3, z3, y3;
  FpSqr(delta, p.Z);
  FpSqr(gamma, p.Y);
  FpMul(beta, p.X, gamma);
  FpSub(t1, p.X, delta);
  FpAdd(t2, p.X, delta);
  FpMul(alpha, t1, t2);
  FpAdd(t1, alpha, alpha);
  FpAdd(alpha, t1, alpha);  // alpha = 3(X - delta)(X + delta)
  FpSqr(x3, alpha);
  FpDbl(t1, beta);
  FpDbl(t1, t1);  // 4 beta
  FpDbl(t2, t1);  // 8 beta
  FpSub(x3, x3, t2);
  FpAdd(z3, p.Y, p.Z);
  FpSqr(z3, z3);
  FpSub(z3, z3, gamma);
  FpSub(z3, z3, delta);
  FpSub(t1, t1, x3);
  FpMul(y3, alpha, t1);
  FpSqr(t2, gamma);
  FpDbl(t2, t2);
  FpDbl(t2, t2);
  FpDbl(t2, t2);  // 8 gamma^2
  FpSub(r.Y, y3, t2);
  r.X = x3;
  r.Z = z3;
}

void JacAddMixed(JacobianPoint& r, const JacobianPoint& p, const AffinePoint& q,
                 uint64_t* exceptional) {
  Fp z1z1, u2, s2, h, hh, i, j, rr, v, t, x3, y3, z3;
  FpSqr(z1z1, p.Z);
  FpMul(u2, q.x, z1z1);
  FpMul(t, p.Z, z1z1);
  FpMul(s2, q.y, t);
  FpSub(h, u2, p.X);
  *exceptional |= FpIsZeroMask(h) | FpIsZeroMask(p.Z);
  FpSqr(hh, h);
  FpDbl(i, hh);
  FpDbl(i, i);
  FpMul(j, h, i);
  FpSub(rr, s2, p.Y);
  FpDbl(rr, rr);
  FpMul(v, p.X, i);
  FpSqr(x3, rr);
  FpSub(x3, x3, j);
  FpSub(x3, x3, v);
  FpSub(x3, x3, v);
  FpSub(t, v, x3);
  FpMul(y3, rr, t);
  FpMul(t, p.Y, j);
  FpDbl(t, t);
  FpSub(y3, y3, t);
  FpAdd(z3, p.Z, h);
  FpSqr(z3, z3);
  FpSub(z3, z3, z1z1);
  FpSub(z3, z3, hh);
  r.X = x3;
  r.Y = y3;
  r.Z = z3;
}

JacobianPoint JacAddPublic(const JacobianPoint& p, const JacobianPoint& q) {
  if (FpIsZeroMask(p.Z)) return q;
  if (FpIsZeroMask(q.Z)) return p;
  Fp z1z1, z2z2, u1, u2, s1, s2, t, h, rr;
  FpSqr(z1z1, p.Z);
  FpSqr(z2z2, q.Z);
  FpMul(u1, p.X, z2z2);
  FpMul(u2, q.X, z1z1);
  FpMul(t, q.Z, z2z2);
  FpMul(s1, p.Y, t);
  FpMul(t, p.Z, z1z1);
  FpMul(s2, q.Y, t);
  FpSub(h, u2, u1);
  FpSub(rr, s2, s1);
  if (FpIsZeroMask(h)) {
    JacobianPoint out{FpOne(), FpOne(), FpZero()};
    if (FpIsZeroMask(rr)) JacDouble(out, p);
    return out;
  }
  Fp i, j, v, x3, y3, z3;
  FpDbl(i, h);
  FpSqr(i, i);
  FpMul(j, h, i);
  FpDbl(rr, rr);
  FpMul(v, u1, i);
  FpSqr(x3, rr);
  FpSub(x3, x3, j);
  FpSub(x3, x3, v);
  FpSub(x3, x3, v);
  FpSub(t, v, x3);
  FpMul(y3, rr, t);
  FpMul(t, s1, j);
  FpDbl(t, t);
  FpSub(y3, y3, t);
  FpAdd(z3, p.Z, q.Z);
  FpSqr(z3, z3);
  FpSub(z3, z3, z1z1);
  FpSub(z3, z3, z2z2);
  FpMul(z3, z3, h);
  return JacobianPoint{x3, y3, z3};
}

AffinePoint ToAffine(const JacobianPoint& p) {
  Fp zi;
  FpInv(zi, p.Z);
  return ToAffineGivenInverse(p, zi);
}

AffinePoint ToAffineGivenInverse(const JacobianPoint& p, const Fp& zi) {
  Fp zi2, zi3;
  FpSqr(zi2, zi);
  FpMul(zi3, zi2, zi);
  AffinePoint a;
  FpMul(a.x, p.X, zi2);
  FpMul(a.y, p.Y, zi3);
  return a;
}

std::vector<AffinePoint> BatchToAffinePublic(const std::vector<JacobianPoint>& pts) {
  size_t n = pts.size();
  std::vector<Fp> prefix(n);
  Fp acc = FpOne();
  for (size_t k = 0; k < n; ++k) {
    prefix[k] = acc;
    FpMul(acc, acc, pts[k].Z);
  }
  Fp inv;
  FpInv(inv, acc);
  std::vector<AffinePoint> out(n);
  for (size_t k = n; k-- > 0;) {
    Fp zi, zi2, zi3;
    FpMul(zi, inv, prefix[k]);
    FpMul(inv, inv, pts[k].Z);
    FpSqr(zi2, zi);
    FpMul(zi3, zi2, zi);
    FpMul(out[k].x, pts[k].X, zi2);
    FpMul(out[k].y, pts[k].Y, zi3);
  }
  return out;
}

bool JacEqualsAffine(const JacobianPoint& p, const AffinePoint& a) {
  Fp z2, z3, x, y;
  FpSqr(z2, p.Z);
  FpMul(z3, z2, p.Z);
  FpMul(x, a.x, z2);
  FpMul(y, a.y, z3);
  uint64_t ok = FpEqualMask(x, p.X) & FpEqualMask(y, p.Y) & ~FpIsZeroMask(p.Z);
  return ok != 0;
}

// ---------------------------------------------------------------------------------------------
// Fixed-base comb.

FixedBaseComb::Recoded::~Recoded() {
  SecureWipe(neg, sizeof(neg));
  SecureWipe(index, sizeof(index));
}

FixedBaseComb::FixedBaseComb(const AffinePoint& base) : base_(base) {
  // B_i = [2^(128 i)]B; T[u] = B_0 + sum_{i>=1} (bit i-1 of u ? +B_i : -B_i). Public data.
  JacobianPoint b[kTeeth];
  b[0] = ToJacobian(base);
  for (int i = 1; i < kTeeth; ++i) {
    b[i] = b[i - 1];
    for (int k = 0; k < kCols; ++k) JacDouble(b[i], b[i]);
  }
  std::vector<JacobianPoint> t(kEntries);
  t[0] = b[0];
  for (int i = 1; i < kTeeth; ++i) {
    JacobianPoint neg = b[i];
    FpNeg(neg.Y, neg.Y);
    t[0] = JacAddPublic(t[0], neg);
  }
  JacobianPoint twice[kTeeth];
  for (int i = 1; i < kTeeth; ++i) JacDouble(twice[i], b[i]);
  for (int u = 1; u < kEntries; ++u) {
    int m = 31 - __builtin_clz(static_cast<unsigned>(u));
    t[u] = JacAddPublic(t[u - (1 << m)], twice[m + 1]);
  }
  table_ = BatchToAffinePublic(t);
}

void FixedBaseComb::Recode(const Scalar& k, Recoded& out) {
  // Make k odd: k even -> q - k, and negate every digit.
  uint64_t even = ~ScalarOddMask(k);
  Scalar alt = ScalarNegRaw(k);
  Scalar ko;
  for (int i = 0; i < kLimbs; ++i) ko[i] = (alt[i] & even) | (k[i] & ~even);
  // k' = (ko - 1)/2 + 2^1023 = (ko >> 1) | 2^1023; digit n is 2*bit_n(k') - 1.
  Scalar kp;
  for (int i = 0; i < kLimbs; ++i) {
    kp[i] = (ko[i] >> 1) | (i + 1 < kLimbs ? ko[i + 1] << 63 : 0);
  }
  kp[kLimbs - 1] |= uint64_t{1} << 63;
  auto bit = [&kp](int n) -> uint32_t {
    return static_cast<uint32_t>((kp[n / 64] >> (n % 64)) & 1);
  };
  for (int j = 0; j < kCols; ++j) {
    uint32_t c0 = bit(j);
    uint32_t idx = 0;
    for (int i = 1; i < kTeeth; ++i) idx |= ((bit(j + kCols * i) ^ c0) ^ 1) << (i - 1);
    out.index[j] = idx;
    out.neg[j] = (static_cast<uint64_t>(c0) - 1) ^ even;
  }
  SecureWipe(ko.data(), sizeof(ko));
  SecureWipe(kp.data(), sizeof(kp));
  SecureWipe(alt.data(), sizeof(alt));
}

void FixedBaseComb::Lookup(AffinePoint& out, uint32_t index, uint64_t neg) const {
  static_assert(sizeof(AffinePoint) == 2 * kLimbs * sizeof(uint64_t));
  uint64_t row[2 * kLimbs];
  CtSelectRow(row, reinterpret_cast<const uint64_t*>(table_.data()), table_.size(), 2 * kLimbs,
              index);
  Fp y;
  std::memcpy(out.x.l.data(), row, sizeof(Fp));
  std::memcpy(y.l.data(), row + kLimbs, sizeof(Fp));
  FpCondNeg(out.y, neg, y);
}

JacobianPoint FixedBaseComb::Mul(const Scalar& k, uint64_t* exceptional) const {
  Recoded rc;
  Recode(k, rc);
  AffinePoint t;
  Lookup(t, rc.index[kCols - 1], rc.neg[kCols - 1]);
  JacobianPoint acc = ToJacobian(t);
  for (int j = kCols - 2; j >= 0; --j) {
    JacDouble(acc, acc);
    Lookup(t, rc.index[j], rc.neg[j]);
    JacAddMixed(acc, acc, t, exceptional);
  }
  SecureWipe(&t, sizeof(t));
  return acc;
}

JacobianPoint FixedBaseComb::Mul2(const FixedBaseComb& c1, const Scalar& k1,
                                  const FixedBaseComb& c2, const Scalar& k2,
                                  uint64_t* exceptional) {
  Recoded r1, r2;
  Recode(k1, r1);
  Recode(k2, r2);
  AffinePoint t;
  c1.Lookup(t, r1.index[kCols - 1], r1.neg[kCols - 1]);
  JacobianPoint acc = ToJacobian(t);
  c2.Lookup(t, r2.index[kCols - 1], r2.neg[kCols - 1]);
  JacAddMixed(acc, acc, t, exceptional);
  for (int j = kCols - 2; j >= 0; --j) {
    JacDouble(acc, acc);
    c1.Lookup(t, r1.index[j], r1.neg[j]);
    JacAddMixed(acc, acc, t, exceptional);
    c2.Lookup(t, r2.index[j], r2.neg[j]);
    JacAddMixed(acc, acc, t, exceptional);
  }
  SecureWipe(&t, sizeof(t));
  return acc;
}

const FixedBaseComb& CombP() {
  static const FixedBaseComb comb(BasePointP());
  return comb;
}

}  // namespace kb::crypto::sakke
