// RFC 6508 sections 2.1 and 4: the SAKKE curve E: y^2 = x^3 - 3x over F_p (parameter set 1),
// point encodings, Jacobian arithmetic (a = -3) and constant-time fixed-base comb scalar
// multiplication for the fixed bases of a KMS community (P and Z).
#pragma once

#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "crypto/fp1024.h"
#include "crypto/sakke_scalar.h"

namespace kb::crypto::sakke {

struct AffinePoint {
  Fp x, y;
};

// x = X/Z^2, y = Y/Z^3; Z = 0 is the point at infinity.
struct JacobianPoint {
  Fp X, Y, Z;
};

const AffinePoint& BasePointP();

bool IsOnCurve(const AffinePoint& a);
// Parses 0x04 || x || y (257 octets): fails with kMalformed (naming field) for a wrong length,
// prefix, coordinate >= p, or a point off the curve.
Result<AffinePoint> DecodePoint(ByteView encoded, std::string_view field);
Bytes EncodePoint(const AffinePoint& a);

JacobianPoint ToJacobian(const AffinePoint& a);
// Constant-time doubling (dbl-2001-b for a = -3).
void JacDouble(JacobianPoint& r, const JacobianPoint& p);
// Constant-time mixed addition (madd-2007-bl). Sets bits in *exceptional when p = +-q (or p is
// at infinity), where the formula does not apply; callers reject such results.
void JacAddMixed(JacobianPoint& r, const JacobianPoint& p, const AffinePoint& q,
                 uint64_t* exceptional);
// General addition with every special case handled; NOT constant time (public points only).
JacobianPoint JacAddPublic(const JacobianPoint& p, const JacobianPoint& q);
// Affine form in constant time (the point must not be at infinity).
AffinePoint ToAffine(const JacobianPoint& p);
// Affine form given z_inv = 1/Z (for callers that share one inversion).
AffinePoint ToAffineGivenInverse(const JacobianPoint& p, const Fp& z_inv);
// Affine forms of many public points with one inversion (Montgomery's trick).
std::vector<AffinePoint> BatchToAffinePublic(const std::vector<JacobianPoint>& pts);
// Constant-time test that the Jacobian p equals the affine a.
bool JacEqualsAffine(const JacobianPoint& p, const AffinePoint& a);

// A signed-digit fixed-base comb (8 teeth, 128 columns, 128 affine entries) for one public base
// point B. Scalars are recoded so that every digit is +-1 (no zero digit, no point at infinity
// in the table); each table access reads all entries and keeps one by mask.
class FixedBaseComb {
 public:
  static constexpr int kTeeth = 8;
  static constexpr int kCols = 128;
  static constexpr int kEntries = 1 << (kTeeth - 1);

  explicit FixedBaseComb(const AffinePoint& base);

  const AffinePoint& base() const { return base_; }
  // Constant-time [k]B for k in [1, q-1]. *exceptional is set on a (negligibly rare) exceptional
  // addition.
  JacobianPoint Mul(const Scalar& k, uint64_t* exceptional) const;
  // Constant-time [k1]B1 + [k2]B2 sharing the doublings (k1, k2 in [1, q-1]).
  static JacobianPoint Mul2(const FixedBaseComb& c1, const Scalar& k1, const FixedBaseComb& c2,
                            const Scalar& k2, uint64_t* exceptional);

  // Recoded scalar: per column a sign mask and a table index.
  struct Recoded {
    uint64_t neg[kCols];
    uint32_t index[kCols];
    ~Recoded();
  };
  static void Recode(const Scalar& k, Recoded& out);
  // out = sign * table[index], reading every entry.
  void Lookup(AffinePoint& out, uint32_t index, uint64_t neg) const;

 private:
  AffinePoint base_;
  std::vector<AffinePoint> table_;
};

// The comb of the base point P, built once per process.
const FixedBaseComb& CombP();

}  // namespace kb::crypto::sakke
