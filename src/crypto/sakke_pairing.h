// RFC 6508 section 3.2: the Tate-Lichtenbaum pairing <R,Q> on the SAKKE curve with the
// distortion map psi(x, y) = (-x, iy), valued in PF_p, and fast fixed-argument forms: the
// RSK line table (the pairing is symmetric, so the Miller loop can run over the fixed RSK) and
// a fixed-base comb for powers of g in PF_p. The loops' control flow depends only on q.
#pragma once

#include <vector>

#include "crypto/fp2.h"
#include "crypto/sakke_curve.h"
#include "crypto/sakke_scalar.h"

namespace kb::crypto::sakke {

// The Miller loop value for <R,Q> (Jacobian loop over R, final power v^4), not normalised.
Fp2 MillerLoop(const AffinePoint& r, const AffinePoint& q);
// <R,Q> as its F_p representative.
Fp Pairing(const AffinePoint& r, const AffinePoint& q);

// The 1533 lines of the Miller loop over a fixed point K, each stored as y = c*x + a after
// scaling by an F_p factor; Evaluate(Q) gives <K,Q> = <Q,K> with one multiplication per line.
// The table holds secret-derived data when K is an RSK: it is wiped on destruction.
class LineTable {
 public:
  explicit LineTable(const AffinePoint& k);
  ~LineTable();
  LineTable(const LineTable&) = delete;
  LineTable& operator=(const LineTable&) = delete;

  Fp2 Evaluate(const AffinePoint& q) const;
  size_t bytes() const { return coeffs_.size() * sizeof(Fp); }

 private:
  std::vector<Fp> coeffs_;  // c_0, a_0, c_1, a_1, ...
};

// Powers of a fixed element (1 + g*i) of PF_p by a signed-digit comb (same recoding as the
// point combs); each entry is normalised to 1 + t*i, so a comb step costs 4 multiplications.
class PfPowTable {
 public:
  explicit PfPowTable(const Fp& g);
  // (1 + g*i)^k in PF_p, constant time, for k in [1, q-1].
  Fp2 Pow(const Scalar& k) const;

 private:
  void Lookup(Fp& out, uint32_t index, uint64_t neg) const;
  std::vector<Fp> table_;
};

// The table for the parameter set's g, built once per process.
const PfPowTable& GTable();
const Fp& GeneratorG();

// (1 + g*i)^k by constant-time square-and-always-multiply (the slow reference path).
Fp2 PfPowPlain(const Fp& g, const Scalar& k);

}  // namespace kb::crypto::sakke
