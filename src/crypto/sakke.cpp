// RFC 6508 section 6: SAKKE key management (6.1), encapsulation (6.2.1) and decapsulation
// (6.2.2) with parameter set 1, plus the precomputed fast paths (Community, Receiver).
#include "crypto/sakke.h"

#include <algorithm>
#include <string>

#include "core/secret.h"
#include "crypto/fp2.h"
#include "crypto/random.h"
#include "crypto/sakke_curve.h"
#include "crypto/sakke_pairing.h"
#include "crypto/sakke_scalar.h"

namespace kb::crypto::sakke {
namespace {

// Wipes a trivially copyable value on scope exit.
template <typename T>
struct Wiper {
  T& v;
  ~Wiper() { SecureWipe(&v, sizeof(T)); }
};

bool IsZeroScalar(const Scalar& a) { return ScalarIsZeroMask(a) != 0; }

// Q = [a]P + Z for a public identifier a (not constant time: everything here is public).
Result<AffinePoint> IdentityPoint(ByteView id, const AffinePoint& z) {
  Scalar a = ScalarFromBytes(id);
  JacobianPoint q = ToJacobian(z);
  if (!IsZeroScalar(a)) {
    uint64_t exc = 0;
    JacobianPoint ap = CombP().Mul(a, &exc);
    if (exc != 0) return Fail(Error::Internal("SAKKE: exceptional case in [a]P"));
    q = JacAddPublic(ap, q);
  }
  if (FpIsZeroMask(q.Z) != 0) {
    return Fail(Error::CryptoFailure("SAKKE: [id]P + Z is the point at infinity"));
  }
  return ToAffine(q);
}

// The F_p representative of a PF_p value as 128 octets.
void Representative(const Fp2& v, uint8_t out[128]) {
  Fp w = Fp2Representative(v);
  FpToBytes(w, out);
  SecureWipe(&w, sizeof(w));
}

// SSV || id
SecretBytes SsvAndId(ByteView ssv, ByteView id) {
  SecretBytes s(ssv.size() + id.size());
  auto m = s.RevealMutable();
  std::copy(ssv.begin(), ssv.end(), m.begin());
  std::copy(id.begin(), id.end(), m.begin() + static_cast<ptrdiff_t>(ssv.size()));
  return s;
}

// [r]([b]P + Z) computed as [r*b mod q]P + [r]Z on the fixed-base combs.
JacobianPoint RbsPoint(const FixedBaseComb& comb_z, const Scalar& r, const Scalar& b,
                       uint64_t* exc) {
  if (IsZeroScalar(b)) return comb_z.Mul(r, exc);  // b is public
  Scalar rb = ScalarMulMod(r, b);
  Wiper<Scalar> w{rb};
  return FixedBaseComb::Mul2(CombP(), rb, comb_z, r, exc);
}

}  // namespace

struct Community::Tables {
  explicit Tables(const AffinePoint& z_point) : z(z_point), comb_z(z_point) {}
  AffinePoint z;
  FixedBaseComb comb_z;
};

struct Receiver::State {
  std::shared_ptr<const Community::Tables> community;
  Bytes id;
  AffinePoint k{};
  std::unique_ptr<LineTable> lines;
  std::unique_ptr<FixedBaseComb> comb_ib;  // I_b = [b]P + Z, for the TEST check
  ~State() { SecureWipe(&k, sizeof(k)); }
};

namespace {

Result<Bytes> EncapsulateWith(const FixedBaseComb& comb_z, const SecretBytes& ssv, ByteView id) {
  if (ssv.size() != kSsvBytes) {
    return Fail(Error::InvalidArgument("SAKKE: the SSV must be 16 octets"));
  }
  // r = HashToIntegerRange(SSV || b, q)
  Scalar r = HashToRangeQ(SsvAndId(ssv.Reveal(), id).Reveal());
  Wiper<Scalar> wr{r};
  if (IsZeroScalar(r)) return Fail(Error::Internal("SAKKE: r = 0"));  // probability 2^-1022
  Scalar b = ScalarFromBytes(id);
  uint64_t exc = 0;
  JacobianPoint rj = RbsPoint(comb_z, r, b, &exc);
  if (exc != 0) return Fail(Error::Internal("SAKKE: exceptional case computing R_(b,S)"));
  // H = SSV XOR HashToIntegerRange(g^r, 2^128). One inversion serves both R's Z coordinate
  // and the PF_p representative of g^r (Montgomery's trick).
  Fp2 gr = GTable().Pow(r);
  Fp prod, inv, z_inv, a_inv, w_fp;
  FpMul(prod, rj.Z, gr.a);
  FpInv(inv, prod);
  FpMul(z_inv, inv, gr.a);
  FpMul(a_inv, inv, rj.Z);
  AffinePoint ra = ToAffineGivenInverse(rj, z_inv);
  FpMul(w_fp, gr.b, a_inv);
  uint8_t w[128], mask[16];
  FpToBytes(w_fp, w);
  SecureWipe(&w_fp, sizeof(w_fp));
  SecureWipe(&a_inv, sizeof(a_inv));
  SecureWipe(&inv, sizeof(inv));
  HashToRange128(ByteView(w, 128), mask);
  Bytes out = EncodePoint(ra);
  out.resize(kEncapsulatedBytes);
  for (size_t i = 0; i < kSsvBytes; ++i) out[kPointBytes + i] = ssv.Reveal()[i] ^ mask[i];
  SecureWipe(w, sizeof(w));
  SecureWipe(mask, sizeof(mask));
  SecureWipe(&gr, sizeof(gr));
  return out;
}

// Decapsulation given a way to compute <R, K_b> (generic or line table) and TEST = [r]I_b
// (two combs, or the receiver's comb of I_b = [b]P + Z).
template <typename PairingFn, typename TestFn>
Result<SecretBytes> DecapsulateWith(ByteView data, ByteView id, PairingFn pairing,
                                    TestFn test_point) {
  if (data.size() != kEncapsulatedBytes) {
    return Fail(Error::Malformed("SAKKE Encapsulated Data: expected 273 octets, got " +
                                 std::to_string(data.size())));
  }
  ByteReader reader(data);
  KB_TRY(ByteView r_bytes, reader.Take(kPointBytes, "R_(b,S)"));
  KB_TRY(ByteView h, reader.Take(kSsvBytes, "H"));
  KB_CHECK(reader.ExpectEnd("SAKKE Encapsulated Data"));
  KB_TRY(AffinePoint r_point, DecodePoint(r_bytes, "SAKKE R_(b,S)"));
  // w = <R_(b,S), K_b>; SSV = H XOR HashToIntegerRange(w, 2^128)
  Fp2 v = pairing(r_point);
  uint8_t w[128], mask[16];
  Representative(v, w);
  SecureWipe(&v, sizeof(v));
  HashToRange128(ByteView(w, 128), mask);
  SecureWipe(w, sizeof(w));
  SecretBytes ssv(kSsvBytes);
  for (size_t i = 0; i < kSsvBytes; ++i) ssv.RevealMutable()[i] = h[i] ^ mask[i];
  SecureWipe(mask, sizeof(mask));
  // r = HashToIntegerRange(SSV || b, q); TEST = [r]([b]P + Z) must equal R_(b,S).
  Scalar r = HashToRangeQ(SsvAndId(ssv.Reveal(), id).Reveal());
  Wiper<Scalar> wr{r};
  bool ok = !IsZeroScalar(r);
  if (ok) {
    uint64_t exc = 0;
    JacobianPoint test = test_point(r, &exc);
    ok = JacEqualsAffine(test, r_point) && exc == 0;
  }
  if (!ok) {
    return Fail(Error::CryptoFailure("SAKKE: the re-derived R_(b,S) does not match (TEST != R)"));
  }
  return ssv;
}

// <Q, K> == g, checked as v2 == g * v1 without an inversion.
bool PairingIsG(const Fp2& v) {
  Fp gv;
  FpMul(gv, GeneratorG(), v.a);
  return (FpEqualMask(gv, v.b) & ~FpIsZeroMask(v.a)) != 0;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// KMS side (6.1)

KmsKeys GenerateKmsKeys() {
  for (;;) {
    SecretBytes wide = RandomSecret(kFieldBytes + 16);  // reduced mod q: bias below 2^-128
    Scalar z = ScalarFromBytes(wide.Reveal());
    Wiper<Scalar> wz{z};
    SecretBytes zb(kFieldBytes);
    ScalarToBytes(z, zb.RevealMutable().data());
    auto keys = KmsKeysFromSecret(zb.Reveal());  // rejects 0 and 1 (probability 2^-1021)
    if (keys) return std::move(*keys);
  }
}

Result<KmsKeys> KmsKeysFromSecret(ByteView z) {
  if (z.empty() || z.size() > kFieldBytes) {
    return Fail(Error::InvalidArgument("SAKKE z: expected 1 to 128 octets"));
  }
  Scalar zs = LimbsFromBytes(z);
  Wiper<Scalar> wz{zs};
  Scalar high = zs;
  high[0] &= ~uint64_t{1};
  bool ok = (ScalarBelowQMask(zs) & ~ScalarIsZeroMask(high)) != 0;
  if (!ok) return Fail(Error::InvalidArgument("SAKKE z: not in [2, q-1]"));
  uint64_t exc = 0;
  JacobianPoint zp = CombP().Mul(zs, &exc);
  if (exc != 0) return Fail(Error::Internal("SAKKE: exceptional case computing [z]P"));
  KmsKeys keys;
  keys.z = SecretBytes(kFieldBytes);
  ScalarToBytes(zs, keys.z.RevealMutable().data());
  keys.z_pub = EncodePoint(ToAffine(zp));
  return keys;
}

Result<SecretBytes> IssueRsk(const KmsKeys& kms, ByteView id) {
  if (kms.z.size() != kFieldBytes) {
    return Fail(Error::InvalidArgument("SAKKE z: expected 128 octets"));
  }
  Scalar a = ScalarFromBytes(id);
  Scalar z = ScalarFromBytes(kms.z.Reveal());
  Wiper<Scalar> wz{z};
  Scalar s = ScalarAddMod(a, z);
  Wiper<Scalar> ws{s};
  if (IsZeroScalar(s)) {
    return Fail(
        Error::InvalidArgument("SAKKE RSK: id + z = 0 mod q; this identifier cannot be "
                               "given a key under this KMS secret"));
  }
  bool inv_ok = false;
  Scalar k = ScalarInvMod(s, inv_ok);
  Wiper<Scalar> wk{k};
  if (!inv_ok) return Fail(Error::Internal("SAKKE RSK: inversion failed"));
  uint64_t exc = 0;
  JacobianPoint kp = CombP().Mul(k, &exc);
  if (exc != 0) return Fail(Error::Internal("SAKKE RSK: exceptional case"));
  AffinePoint ka = ToAffine(kp);
  Bytes enc = EncodePoint(ka);
  SecureWipe(&ka, sizeof(ka));
  SecureWipe(&kp, sizeof(kp));
  return SecretBytes::Adopt(std::move(enc));
}

// ---------------------------------------------------------------------------------------------
// User side (6.1.2, 6.2)

Status ValidateRsk(ByteView z_pub, ByteView id, const SecretBytes& rsk) {
  KB_TRY(AffinePoint z, DecodePoint(z_pub, "SAKKE Z"));
  KB_TRY(AffinePoint k, DecodePoint(rsk.Reveal(), "SAKKE RSK"));
  Wiper<AffinePoint> wk{k};
  KB_TRY(AffinePoint q, IdentityPoint(id, z));
  Fp2 v = MillerLoop(q, k);  // loop over the public point, evaluated at the RSK
  bool ok = PairingIsG(v);
  SecureWipe(&v, sizeof(v));
  if (!ok) return Fail(Error::CryptoFailure("SAKKE RSK: <[id]P + Z, RSK> != g"));
  return Ok();
}

Result<Bytes> Encapsulate(const SecretBytes& ssv, ByteView z_pub, ByteView id) {
  KB_TRY(Community c, Community::Create(z_pub));
  return c.Encapsulate(ssv, id);
}

Result<SecretBytes> Decapsulate(ByteView encapsulated, ByteView z_pub, ByteView id,
                                const SecretBytes& rsk) {
  KB_TRY(AffinePoint z, DecodePoint(z_pub, "SAKKE Z"));
  KB_TRY(AffinePoint k, DecodePoint(rsk.Reveal(), "SAKKE RSK"));
  Wiper<AffinePoint> wk{k};
  FixedBaseComb comb_z(z);
  Scalar b = ScalarFromBytes(id);
  return DecapsulateWith(
      encapsulated, id, [&k](const AffinePoint& r) { return MillerLoop(r, k); },
      [&](const Scalar& r, uint64_t* exc) { return RbsPoint(comb_z, r, b, exc); });
}

// ---------------------------------------------------------------------------------------------
// Community

Community::Community(std::shared_ptr<const Tables> tables) : tables_(std::move(tables)) {}
Community::~Community() = default;
Community::Community(Community&&) noexcept = default;
Community& Community::operator=(Community&&) noexcept = default;

Result<Community> Community::Create(ByteView z_pub) {
  KB_TRY(AffinePoint z, DecodePoint(z_pub, "SAKKE Z"));
  return Community(std::make_shared<const Tables>(z));
}

Result<Bytes> Community::Encapsulate(const SecretBytes& ssv, ByteView id) const {
  return EncapsulateWith(tables_->comb_z, ssv, id);
}

// ---------------------------------------------------------------------------------------------
// Receiver

Receiver::Receiver(std::unique_ptr<State> state) : state_(std::move(state)) {}
Receiver::~Receiver() = default;
Receiver::Receiver(Receiver&&) noexcept = default;
Receiver& Receiver::operator=(Receiver&&) noexcept = default;

Result<Receiver> Receiver::Create(const Community& community, ByteView id, SecretBytes rsk) {
  KB_TRY(AffinePoint k, DecodePoint(rsk.Reveal(), "SAKKE RSK"));
  auto state = std::make_unique<State>();
  state->community = community.tables_;
  state->id.assign(id.begin(), id.end());
  state->k = k;
  SecureWipe(&k, sizeof(k));
  state->lines = std::make_unique<LineTable>(state->k);
  // RSK validation (6.1.2) on the new table: <K, [id]P + Z> = <[id]P + Z, K> must be g.
  KB_TRY(AffinePoint q, IdentityPoint(id, state->community->z));
  Fp2 v = state->lines->Evaluate(q);
  bool ok = PairingIsG(v);
  SecureWipe(&v, sizeof(v));
  if (!ok) return Fail(Error::CryptoFailure("SAKKE RSK: <[id]P + Z, RSK> != g"));
  state->comb_ib = std::make_unique<FixedBaseComb>(q);
  return Receiver(std::move(state));
}

Result<SecretBytes> Receiver::Decapsulate(ByteView encapsulated) const {
  const LineTable& lines = *state_->lines;
  const FixedBaseComb& comb_ib = *state_->comb_ib;
  return DecapsulateWith(
      encapsulated, state_->id, [&lines](const AffinePoint& r) { return lines.Evaluate(r); },
      [&comb_ib](const Scalar& r, uint64_t* exc) { return comb_ib.Mul(r, exc); });
}

}  // namespace kb::crypto::sakke
