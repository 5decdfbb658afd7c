// RFC 6508 SAKKE (parameter set 1) benchmarks: keybridge's constant-time fast paths against a
// straightforward implementation in the same run (OpenSSL EC_POINT_mul on the SAKKE curve and a
// BN Montgomery Jacobian pairing / PF_p exponentiation), so the speed-up is a same-machine ratio.
#include <benchmark/benchmark.h>
#include <openssl/bn.h>
#include <openssl/ec.h>

#include <cstdlib>
#include <memory>

#include "core/encoding.h"
#include "crypto/fp2.h"
#include "crypto/random.h"
#include "crypto/sakke.h"
#include "crypto/sakke_curve.h"
#include "crypto/sakke_pairing.h"
#include "crypto/sakke_params.h"
#include "crypto/sakke_scalar.h"

namespace {

namespace sk = kb::crypto::sakke;
using kb::Bytes;
using kb::ByteView;
using kb::SecretBytes;

void Rate(benchmark::State& state) {
  state.counters["ops/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// One KMS, one user, one message, shared by all benchmarks.
struct Fixture {
  sk::KmsKeys kms = sk::GenerateKmsKeys();
  Bytes uid = kb::crypto::RandomBytes(32);
  SecretBytes rsk;
  SecretBytes ssv = kb::crypto::RandomSecret(sk::kSsvBytes);
  std::unique_ptr<sk::Community> community;
  std::unique_ptr<sk::Receiver> receiver;
  Bytes data;

  Fixture() {
    rsk = std::move(*sk::IssueRsk(kms, uid));
    community = std::make_unique<sk::Community>(std::move(*sk::Community::Create(kms.z_pub)));
    receiver = std::make_unique<sk::Receiver>(
        std::move(*sk::Receiver::Create(*community, uid, rsk.Clone())));
    data = *community->Encapsulate(ssv, uid);
  }
};

Fixture& F() {
  static Fixture* f = new Fixture();
  return *f;
}

sk::Scalar RandomScalar() { return sk::ScalarFromBytes(kb::crypto::RandomBytes(144)); }

// ---------------------------------------------------------------------------------------------
// keybridge

void BM_Sakke_Encapsulate(benchmark::State& state) {
  auto& f = F();
  for (auto _ : state) benchmark::DoNotOptimize(f.community->Encapsulate(f.ssv, f.uid));
  Rate(state);
}
BENCHMARK(BM_Sakke_Encapsulate)->Unit(benchmark::kMillisecond);

void BM_Sakke_Decapsulate(benchmark::State& state) {
  auto& f = F();
  for (auto _ : state) {
    auto s = f.receiver->Decapsulate(f.data);
    if (!s) std::abort();
    benchmark::DoNotOptimize(s);
  }
  Rate(state);
}
BENCHMARK(BM_Sakke_Decapsulate)->Unit(benchmark::kMillisecond);

void BM_Sakke_EncapsulateNoTables(benchmark::State& state) {
  auto& f = F();
  for (auto _ : state) benchmark::DoNotOptimize(sk::Encapsulate(f.ssv, f.kms.z_pub, f.uid));
  Rate(state);
}
BENCHMARK(BM_Sakke_EncapsulateNoTables)->Unit(benchmark::kMillisecond);

void BM_Sakke_DecapsulateNoTables(benchmark::State& state) {
  auto& f = F();
  for (auto _ : state) benchmark::DoNotOptimize(sk::Decapsulate(f.data, f.kms.z_pub, f.uid, f.rsk));
  Rate(state);
}
BENCHMARK(BM_Sakke_DecapsulateNoTables)->Unit(benchmark::kMillisecond);

void BM_Sakke_Pairing(benchmark::State& state) {
  auto& f = F();
  sk::AffinePoint r = *sk::DecodePoint(ByteView(f.data).first(257), "R");
  sk::AffinePoint k = *sk::DecodePoint(f.rsk.Reveal(), "K");
  for (auto _ : state) benchmark::DoNotOptimize(sk::Pairing(r, k));
  Rate(state);
}
BENCHMARK(BM_Sakke_Pairing)->Unit(benchmark::kMillisecond);

void BM_Sakke_PairingLineTable(benchmark::State& state) {
  auto& f = F();
  sk::AffinePoint r = *sk::DecodePoint(ByteView(f.data).first(257), "R");
  sk::AffinePoint k = *sk::DecodePoint(f.rsk.Reveal(), "K");
  sk::LineTable table(k);
  for (auto _ : state) benchmark::DoNotOptimize(sk::Fp2Representative(table.Evaluate(r)));
  Rate(state);
}
BENCHMARK(BM_Sakke_PairingLineTable)->Unit(benchmark::kMillisecond);

void BM_Sakke_GPowR_Comb(benchmark::State& state) {
  sk::Scalar r = RandomScalar();
  for (auto _ : state) benchmark::DoNotOptimize(sk::Fp2Representative(sk::GTable().Pow(r)));
  Rate(state);
}
BENCHMARK(BM_Sakke_GPowR_Comb)->Unit(benchmark::kMillisecond);

void BM_Sakke_IssueRsk(benchmark::State& state) {
  auto& f = F();
  for (auto _ : state) benchmark::DoNotOptimize(sk::IssueRsk(f.kms, f.uid));
  Rate(state);
}
BENCHMARK(BM_Sakke_IssueRsk)->Unit(benchmark::kMillisecond);

void BM_Sakke_ValidateRsk(benchmark::State& state) {
  auto& f = F();
  for (auto _ : state) {
    if (!sk::ValidateRsk(f.kms.z_pub, f.uid, f.rsk)) std::abort();
  }
  Rate(state);
}
BENCHMARK(BM_Sakke_ValidateRsk)->Unit(benchmark::kMillisecond);

void BM_Sakke_ReceiverCreate(benchmark::State& state) {
  auto& f = F();
  for (auto _ : state)
    benchmark::DoNotOptimize(sk::Receiver::Create(*f.community, f.uid, f.rsk.Clone()));
  Rate(state);
}
BENCHMARK(BM_Sakke_ReceiverCreate)->Unit(benchmark::kMillisecond);

void BM_Sakke_CommunityCreate(benchmark::State& state) {
  auto& f = F();
  for (auto _ : state) benchmark::DoNotOptimize(sk::Community::Create(f.kms.z_pub));
  Rate(state);
}
BENCHMARK(BM_Sakke_CommunityCreate)->Unit(benchmark::kMillisecond);

void BM_Sakke_CombMulP(benchmark::State& state) {
  sk::Scalar k = RandomScalar();
  for (auto _ : state) {
    uint64_t exc = 0;
    benchmark::DoNotOptimize(sk::ToAffine(sk::CombP().Mul(k, &exc)));
  }
  Rate(state);
}
BENCHMARK(BM_Sakke_CombMulP)->Unit(benchmark::kMillisecond);

void BM_Sakke_FpMul(benchmark::State& state) {
  sk::Fp a = sk::BasePointP().x, b = sk::BasePointP().y;
  for (auto _ : state) {
    sk::FpMul(a, a, b);
    benchmark::DoNotOptimize(a);
  }
  Rate(state);
}
BENCHMARK(BM_Sakke_FpMul);

void BM_Sakke_FpSqr(benchmark::State& state) {
  sk::Fp a = sk::BasePointP().x;
  for (auto _ : state) {
    sk::FpSqr(a, a);
    benchmark::DoNotOptimize(a);
  }
  Rate(state);
}
BENCHMARK(BM_Sakke_FpSqr);

// ---------------------------------------------------------------------------------------------
// The straightforward way: OpenSSL EC_POINT_mul on the SAKKE curve, BN Montgomery arithmetic.

BIGNUM* BnHex(std::string_view hex) {
  BIGNUM* b = nullptr;
  std::string s(hex);
  BN_hex2bn(&b, s.c_str());
  return b;
}

BIGNUM* BnBytes(ByteView b) { return BN_bin2bn(b.data(), static_cast<int>(b.size()), nullptr); }

struct Plain {
  BN_CTX* ctx = BN_CTX_new();
  BIGNUM* p = BnHex(sk::kPHex);
  BIGNUM* q = BnHex(sk::kQHex);
  BIGNUM* g = BnHex(sk::kGHex);
  EC_GROUP* group = nullptr;
  BN_MONT_CTX* mont = BN_MONT_CTX_new();
  EC_POINT* z = nullptr;

  Plain() {
    BIGNUM* a = BN_new();
    BN_sub(a, p, BN_value_one());
    BN_sub(a, a, BN_value_one());
    BN_sub(a, a, BN_value_one());  // p - 3
    BIGNUM* b = BN_new();
    BN_zero(b);
    group = EC_GROUP_new_curve_GFp(p, a, b, ctx);
    EC_POINT* gen = EC_POINT_new(group);
    BIGNUM* x = BnHex(sk::kPxHex);
    BIGNUM* y = BnHex(sk::kPyHex);
    BIGNUM* h = BN_new();
    BN_set_word(h, 4);
    if (group == nullptr || EC_POINT_set_affine_coordinates(group, gen, x, y, ctx) != 1 ||
        EC_GROUP_set_generator(group, gen, q, h) != 1) {
      std::abort();
    }
    BN_MONT_CTX_set(mont, p, ctx);
    z = EC_POINT_new(group);
    auto& f = F();
    if (EC_POINT_oct2point(group, z, f.kms.z_pub.data(), f.kms.z_pub.size(), ctx) != 1) {
      std::abort();
    }
    BN_free(a);
    BN_free(b);
    BN_free(x);
    BN_free(y);
    BN_free(h);
    EC_POINT_free(gen);
  }

  // F_p in Montgomery form with BN.
  struct E2 {
    BIGNUM* a = BN_new();
    BIGNUM* b = BN_new();
    ~E2() {
      BN_free(a);
      BN_free(b);
    }
  };
  void Mul(BIGNUM* r, const BIGNUM* x, const BIGNUM* y) {
    BN_mod_mul_montgomery(r, x, y, mont, ctx);
  }
  void Add(BIGNUM* r, const BIGNUM* x, const BIGNUM* y) { BN_mod_add_quick(r, x, y, p); }
  void Sub(BIGNUM* r, const BIGNUM* x, const BIGNUM* y) { BN_mod_sub_quick(r, x, y, p); }
  void Mul2(E2& r, const E2& x, const E2& y) {  // Karatsuba
    BN_CTX_start(ctx);
    BIGNUM* A = BN_CTX_get(ctx);
    BIGNUM* B = BN_CTX_get(ctx);
    BIGNUM* s = BN_CTX_get(ctx);
    BIGNUM* t = BN_CTX_get(ctx);
    Mul(A, x.a, y.a);
    Mul(B, x.b, y.b);
    Add(s, x.a, x.b);
    Add(t, y.a, y.b);
    Mul(s, s, t);
    Sub(r.a, A, B);
    Sub(s, s, A);
    Sub(r.b, s, B);
    BN_CTX_end(ctx);
  }
  void Sqr2(E2& r, const E2& x) {
    BN_CTX_start(ctx);
    BIGNUM* s = BN_CTX_get(ctx);
    BIGNUM* d = BN_CTX_get(ctx);
    BIGNUM* m = BN_CTX_get(ctx);
    Add(s, x.a, x.b);
    Sub(d, x.a, x.b);
    Mul(m, x.a, x.b);
    Mul(r.a, s, d);
    Add(r.b, m, m);
    BN_CTX_end(ctx);
  }
  // x2/x1 of a Montgomery-form F_p^2 value, as 128 octets.
  Bytes Representative(const E2& v) {
    BIGNUM* a = BN_new();
    BIGNUM* b = BN_new();
    BN_from_montgomery(a, v.a, mont, ctx);
    BN_from_montgomery(b, v.b, mont, ctx);
    BN_mod_inverse(a, a, p, ctx);
    BN_mod_mul(b, b, a, p, ctx);
    Bytes out(128);
    BN_bn2binpad(b, out.data(), 128);
    BN_free(a);
    BN_free(b);
    return out;
  }

  // (1 + g i)^r by square-and-multiply.
  Bytes GPow(const BIGNUM* r) {
    E2 v, line;
    BN_to_montgomery(v.a, BN_value_one(), mont, ctx);
    BN_zero(v.b);
    BN_copy(line.a, v.a);
    BN_to_montgomery(line.b, g, mont, ctx);
    for (int n = BN_num_bits(r) - 1; n >= 0; --n) {
      Sqr2(v, v);
      if (BN_is_bit_set(r, n)) Mul2(v, v, line);
    }
    return Representative(v);
  }

  // Jacobian Miller loop over R evaluated at psi(Q) (mc-security.md 1.5).
  Bytes Pairing(const EC_POINT* rp, const EC_POINT* qp) {
    BN_CTX_start(ctx);
    BIGNUM *rx = BN_CTX_get(ctx), *ry = BN_CTX_get(ctx), *qx = BN_CTX_get(ctx),
           *qy = BN_CTX_get(ctx);
    EC_POINT_get_affine_coordinates(group, rp, rx, ry, ctx);
    EC_POINT_get_affine_coordinates(group, qp, qx, qy, ctx);
    for (BIGNUM* t : {rx, ry, qx, qy}) BN_to_montgomery(t, t, mont, ctx);
    BIGNUM *X = BN_CTX_get(ctx), *Y = BN_CTX_get(ctx), *Z = BN_CTX_get(ctx);
    BIGNUM *d = BN_CTX_get(ctx), *ga = BN_CTX_get(ctx), *be = BN_CTX_get(ctx),
           *al = BN_CTX_get(ctx), *t1 = BN_CTX_get(ctx), *t2 = BN_CTX_get(ctx),
           *z3 = BN_CTX_get(ctx), *x3 = BN_CTX_get(ctx), *y3 = BN_CTX_get(ctx);
    BN_copy(X, rx);
    BN_copy(Y, ry);
    BN_to_montgomery(Z, BN_value_one(), mont, ctx);
    E2 v, l;
    BN_copy(v.a, Z);
    BN_zero(v.b);
    BIGNUM* qm1 = BN_dup(q);
    BN_sub_word(qm1, 1);
    for (int n = BN_num_bits(qm1) - 2; n >= 0; --n) {
      Sqr2(v, v);
      // doubling
      Mul(d, Z, Z);
      Mul(ga, Y, Y);
      Mul(be, X, ga);
      Sub(t1, X, d);
      Add(t2, X, d);
      Mul(al, t1, t2);
      Add(t1, al, al);
      Add(al, t1, al);
      Add(z3, Y, Z);
      Mul(z3, z3, z3);
      Sub(z3, z3, ga);
      Sub(z3, z3, d);
      Mul(t1, qx, d);
      Add(t1, t1, X);
      Mul(t1, al, t1);
      Add(t2, ga, ga);
      Sub(l.a, t1, t2);
      Mul(t1, z3, d);
      Mul(l.b, t1, qy);
      Mul2(v, v, l);
      Mul(x3, al, al);
      Add(t1, be, be);
      Add(t1, t1, t1);
      Add(t2, t1, t1);
      Sub(x3, x3, t2);
      Sub(t1, t1, x3);
      Mul(y3, al, t1);
      Mul(t2, ga, ga);
      Add(t2, t2, t2);
      Add(t2, t2, t2);
      Add(t2, t2, t2);
      Sub(Y, y3, t2);
      BN_copy(X, x3);
      BN_copy(Z, z3);
      if (BN_is_bit_set(qm1, n)) {
        BIGNUM *zz = d, *u = ga, *s = be, *h = al, *rho = t1;
        Mul(zz, Z, Z);
        Mul(u, rx, zz);
        Mul(t2, Z, zz);
        Mul(s, ry, t2);
        Sub(h, u, X);
        Sub(rho, s, Y);
        Mul(z3, Z, h);
        Mul(t2, h, h);   // HH
        Mul(y3, h, t2);  // HHH
        Mul(x3, X, t2);  // V
        BN_copy(h, x3);  // V
        Mul(x3, rho, rho);
        Sub(x3, x3, y3);
        Sub(x3, x3, h);
        Sub(x3, x3, h);
        Sub(t2, h, x3);
        Mul(t2, rho, t2);
        Mul(u, Y, y3);
        Sub(Y, t2, u);
        BN_copy(X, x3);
        BN_copy(Z, z3);
        Add(t2, qx, rx);
        Mul(t2, rho, t2);
        Mul(u, z3, ry);
        Sub(l.a, t2, u);
        Mul(l.b, z3, qy);
        Mul2(v, v, l);
      }
    }
    Sqr2(v, v);
    Sqr2(v, v);
    BN_free(qm1);
    BN_CTX_end(ctx);
    return Representative(v);
  }

  // R_(b,S) = [r]([b]P + Z) with two EC_POINT_mul calls.
  EC_POINT* Rbs(const BIGNUM* r, const BIGNUM* b) {
    EC_POINT* ib = EC_POINT_new(group);
    EC_POINT_mul(group, ib, b, nullptr, nullptr, ctx);
    EC_POINT_add(group, ib, ib, z, ctx);
    EC_POINT* out = EC_POINT_new(group);
    EC_POINT_mul(group, out, nullptr, ib, r, ctx);
    EC_POINT_free(ib);
    return out;
  }

  Bytes Encapsulate(const SecretBytes& ssv, ByteView id) {
    Bytes s(ssv.Reveal().begin(), ssv.Reveal().end());
    s.insert(s.end(), id.begin(), id.end());
    uint8_t rb[128];
    sk::ScalarToBytes(sk::HashToRangeQ(s), rb);
    BIGNUM* r = BN_bin2bn(rb, 128, nullptr);
    BIGNUM* b = BnBytes(id);
    EC_POINT* rp = Rbs(r, b);
    Bytes out(257);
    EC_POINT_point2oct(group, rp, POINT_CONVERSION_UNCOMPRESSED, out.data(), 257, ctx);
    Bytes w = GPow(r);
    uint8_t mask[16];
    sk::HashToRange128(w, mask);
    for (int i = 0; i < 16; ++i) out.push_back(ssv.Reveal()[i] ^ mask[i]);
    EC_POINT_free(rp);
    BN_free(r);
    BN_free(b);
    return out;
  }

  bool Decapsulate(ByteView data, ByteView id, const SecretBytes& rsk, uint8_t ssv[16]) {
    EC_POINT* rp = EC_POINT_new(group);
    EC_POINT* kp = EC_POINT_new(group);
    bool ok = EC_POINT_oct2point(group, rp, data.data(), 257, ctx) == 1 &&
              EC_POINT_oct2point(group, kp, rsk.Reveal().data(), 257, ctx) == 1;
    if (ok) {
      Bytes w = Pairing(rp, kp);
      uint8_t mask[16];
      sk::HashToRange128(w, mask);
      Bytes s(16);
      for (int i = 0; i < 16; ++i) s[i] = ssv[i] = data[257 + i] ^ mask[i];
      s.insert(s.end(), id.begin(), id.end());
      uint8_t rb[128];
      sk::ScalarToBytes(sk::HashToRangeQ(s), rb);
      BIGNUM* r = BN_bin2bn(rb, 128, nullptr);
      BIGNUM* b = BnBytes(id);
      EC_POINT* test = Rbs(r, b);
      ok = EC_POINT_cmp(group, test, rp, ctx) == 0;
      EC_POINT_free(test);
      BN_free(r);
      BN_free(b);
    }
    EC_POINT_free(rp);
    EC_POINT_free(kp);
    return ok;
  }
};

Plain& Pl() {
  static Plain* p = new Plain();
  return *p;
}

void BM_Straightforward_EcPointMulP(benchmark::State& state) {
  auto& pl = Pl();
  uint8_t kb[128];
  sk::ScalarToBytes(RandomScalar(), kb);
  BIGNUM* k = BN_bin2bn(kb, 128, nullptr);
  EC_POINT* out = EC_POINT_new(pl.group);
  for (auto _ : state) {
    EC_POINT_mul(pl.group, out, k, nullptr, nullptr, pl.ctx);
    benchmark::DoNotOptimize(out);
  }
  EC_POINT_free(out);
  BN_free(k);
  Rate(state);
}
BENCHMARK(BM_Straightforward_EcPointMulP)->Unit(benchmark::kMillisecond);

void BM_Straightforward_Pairing(benchmark::State& state) {
  auto& pl = Pl();
  auto& f = F();
  EC_POINT* rp = EC_POINT_new(pl.group);
  EC_POINT* kp = EC_POINT_new(pl.group);
  EC_POINT_oct2point(pl.group, rp, f.data.data(), 257, pl.ctx);
  EC_POINT_oct2point(pl.group, kp, f.rsk.Reveal().data(), 257, pl.ctx);
  for (auto _ : state) benchmark::DoNotOptimize(pl.Pairing(rp, kp));
  EC_POINT_free(rp);
  EC_POINT_free(kp);
  Rate(state);
}
BENCHMARK(BM_Straightforward_Pairing)->Unit(benchmark::kMillisecond);

void BM_Straightforward_Encapsulate(benchmark::State& state) {
  auto& pl = Pl();
  auto& f = F();
  if (pl.Encapsulate(f.ssv, f.uid) != f.data) {
    state.SkipWithError("straightforward encapsulation disagrees");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(pl.Encapsulate(f.ssv, f.uid));
  Rate(state);
}
BENCHMARK(BM_Straightforward_Encapsulate)->Unit(benchmark::kMillisecond);

void BM_Straightforward_Decapsulate(benchmark::State& state) {
  auto& pl = Pl();
  auto& f = F();
  uint8_t ssv[16];
  if (!pl.Decapsulate(f.data, f.uid, f.rsk, ssv) ||
      !std::equal(ssv, ssv + 16, f.ssv.Reveal().begin())) {
    state.SkipWithError("straightforward decapsulation disagrees");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(pl.Decapsulate(f.data, f.uid, f.rsk, ssv));
  Rate(state);
}
BENCHMARK(BM_Straightforward_Decapsulate)->Unit(benchmark::kMillisecond);

}  // namespace

namespace {

void BM_Sakke_FpInv(benchmark::State& state) {
  kb::crypto::sakke::Fp a = kb::crypto::sakke::BasePointP().x;
  for (auto _ : state) {
    kb::crypto::sakke::FpInv(a, a);
    benchmark::DoNotOptimize(a);
  }
  Rate(state);
}
BENCHMARK(BM_Sakke_FpInv)->Unit(benchmark::kMicrosecond);

void BM_Sakke_CombMul2(benchmark::State& state) {
  auto& f = F();
  namespace sk = kb::crypto::sakke;
  sk::FixedBaseComb comb_z(*sk::DecodePoint(f.kms.z_pub, "Z"));
  sk::Scalar a = RandomScalar(), b = RandomScalar();
  for (auto _ : state) {
    uint64_t exc = 0;
    benchmark::DoNotOptimize(sk::FixedBaseComb::Mul2(sk::CombP(), a, comb_z, b, &exc));
  }
  Rate(state);
}
BENCHMARK(BM_Sakke_CombMul2)->Unit(benchmark::kMillisecond);

}  // namespace

namespace {

void BM_Sakke_CtSelectRow128x32(benchmark::State& state) {
  std::vector<uint64_t> table(128 * 32, 7);
  uint64_t out[32];
  uint32_t idx = 5;
  for (auto _ : state) {
    kb::crypto::sakke::CtSelectRow(out, table.data(), 128, 32, idx);
    idx = (idx + static_cast<uint32_t>(out[0] & 1) * 3) & 127;
    benchmark::DoNotOptimize(out);
  }
  Rate(state);
}
BENCHMARK(BM_Sakke_CtSelectRow128x32);

}  // namespace
