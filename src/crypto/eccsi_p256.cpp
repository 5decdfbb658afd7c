// RFC 6507 / RFC 6509 ECCSI internals: NIST P-256 arithmetic on OpenSSL 3 EC_* and BN_* APIs.
#include "crypto/eccsi_p256.h"

#include <openssl/obj_mac.h>

#include <cstdio>
#include <cstdlib>

namespace kb::crypto::eccsi::internal {
namespace {

// Everything fixed for P-256, built once. The OpenSSL objects are only read after
// construction, which OpenSSL allows from several threads at once.
struct Curve {
  EC_GROUP* group = nullptr;
  BIGNUM* q = nullptr;
  BIGNUM* p = nullptr;
  BIGNUM* q_minus_2 = nullptr;
  BN_MONT_CTX* mont_q = nullptr;
  Bytes g_octets;

  Curve() {
    BN_CTX* ctx = BN_CTX_new();
    group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    q = BN_new();
    p = BN_new();
    q_minus_2 = BN_new();
    mont_q = BN_MONT_CTX_new();
    bool ok = ctx != nullptr && group != nullptr && q != nullptr && p != nullptr &&
              q_minus_2 != nullptr && mont_q != nullptr &&
              BN_copy(q, EC_GROUP_get0_order(group)) != nullptr &&
              EC_GROUP_get_curve(group, p, nullptr, nullptr, ctx) == 1 &&
              BN_copy(q_minus_2, q) != nullptr && BN_sub_word(q_minus_2, 2) == 1 &&
              BN_MONT_CTX_set(mont_q, q, ctx) == 1;
    if (ok) {
      g_octets.resize(65);
      ok = EC_POINT_point2oct(group, EC_GROUP_get0_generator(group), POINT_CONVERSION_UNCOMPRESSED,
                              g_octets.data(), g_octets.size(), ctx) == g_octets.size();
    }
    BN_CTX_free(ctx);
    if (!ok) {
      // Without P-256 the library cannot do anything useful; this is a broken
      // installation, not an input error.
      std::fputs("keybridge: OpenSSL P-256 is unavailable; aborting\n", stderr);
      std::abort();
    }
  }
  ~Curve() {
    BN_MONT_CTX_free(mont_q);
    BN_free(q_minus_2);
    BN_free(p);
    BN_free(q);
    EC_GROUP_free(group);
  }
  Curve(const Curve&) = delete;
  Curve& operator=(const Curve&) = delete;
};

const Curve& TheCurve() {
  static const Curve curve;
  return curve;
}

Error OpenSslFailure(std::string_view what) {
  return Error::Internal("ECCSI: OpenSSL " + std::string(what) + " failed");
}

// q as four 64-bit limbs, least significant first.
constexpr uint64_t kOrderLimbs[4] = {0xF3B9CAC2FC632551ULL, 0xBCE6FAADA7179E84ULL,
                                     0xFFFFFFFFFFFFFFFFULL, 0xFFFFFFFF00000000ULL};

void LoadLimbs(const uint8_t octets[32], uint64_t limbs[4]) {
  for (int i = 0; i < 4; ++i) {
    uint64_t w = 0;
    for (int k = 0; k < 8; ++k) w = (w << 8) | octets[(3 - i) * 8 + k];
    limbs[i] = w;
  }
}

void StoreLimbs(const uint64_t limbs[4], uint8_t octets[32]) {
  for (int i = 0; i < 4; ++i) {
    for (int k = 0; k < 8; ++k) {
      octets[(3 - i) * 8 + k] = static_cast<uint8_t>(limbs[i] >> (56 - 8 * k));
    }
  }
}

}  // namespace

const EC_GROUP* Group() { return TheCurve().group; }
const BIGNUM* Order() { return TheCurve().q; }
const BIGNUM* Prime() { return TheCurve().p; }
ByteView GeneratorOctets() { return TheCurve().g_octets; }

Result<Ctx> NewCtx() {
  Ctx ctx(BN_CTX_new());
  if (!ctx) return Fail(OpenSslFailure("BN_CTX_new"));
  return ctx;
}

Result<Bn> NewBn() {
  Bn bn(BN_new());
  if (!bn) return Fail(OpenSslFailure("BN_new"));
  return bn;
}

Result<Point> NewPoint() {
  Point point(EC_POINT_new(Group()));
  if (!point) return Fail(OpenSslFailure("EC_POINT_new"));
  return point;
}

Result<Point> DecodePoint(ByteView octets, std::string_view field, BN_CTX* ctx,
                          size_t base_offset) {
  if (octets.size() != 65) {
    return Fail(Error::Malformed(std::string(field) + ": expected 65 octets, got " +
                                 std::to_string(octets.size())));
  }
  ByteReader reader(octets, base_offset);
  KB_TRY(uint8_t prefix, reader.PeekU8(field));
  if (prefix != 0x04) {
    return Fail(reader.MalformedAt(field, "not an uncompressed point (prefix 0x04)"));
  }
  KB_TRY(Point point, NewPoint());
  // EC_POINT_oct2point rejects coordinates >= p and points off the curve.
  if (EC_POINT_oct2point(Group(), point.get(), octets.data(), octets.size(), ctx) != 1) {
    return Fail(reader.MalformedAt(field, "not a point on P-256"));
  }
  if (EC_POINT_is_at_infinity(Group(), point.get()) == 1) {
    return Fail(reader.MalformedAt(field, "the point at infinity"));
  }
  return point;
}

Result<Bytes> EncodePoint(const EC_POINT* point, BN_CTX* ctx) {
  Bytes out(65);
  if (EC_POINT_point2oct(Group(), point, POINT_CONVERSION_UNCOMPRESSED, out.data(), out.size(),
                         ctx) != out.size()) {
    return Fail(OpenSslFailure("EC_POINT_point2oct"));
  }
  return out;
}

Result<Bn> PublicInteger(ByteView octets) {
  Bn bn(BN_bin2bn(octets.data(), static_cast<int>(octets.size()), nullptr));
  if (!bn) return Fail(OpenSslFailure("BN_bin2bn"));
  return bn;
}

Result<Bn> SecretScalar(ByteView octets, std::string_view field) {
  if (octets.size() != 32) {
    return Fail(Error::InvalidArgument(std::string(field) + ": expected 32 octets, got " +
                                       std::to_string(octets.size())));
  }
  Bn k(BN_bin2bn(octets.data(), 32, nullptr));
  if (!k) return Fail(OpenSslFailure("BN_bin2bn"));
  BN_set_flags(k.get(), BN_FLG_CONSTTIME);
  if (BN_is_zero(k.get()) || BN_cmp(k.get(), Order()) >= 0) {
    return Fail(Error::InvalidArgument(std::string(field) + ": not in [1, q-1]"));
  }
  return k;
}

Result<Bn> RandomScalar(BN_CTX* ctx) {
  KB_TRY(Bn k, NewBn());
  BN_set_flags(k.get(), BN_FLG_CONSTTIME);
  do {
    if (BN_priv_rand_range_ex(k.get(), Order(), 0, ctx) != 1) {
      // As crypto/random.h: no key may be made from a failed generator.
      std::fputs("keybridge: the random generator failed; aborting\n", stderr);
      std::abort();
    }
  } while (BN_is_zero(k.get()));
  return k;
}

SecretBytes ScalarOctets(const BIGNUM* k) {
  SecretBytes out(32);
  if (BN_bn2binpad(k, out.RevealMutable().data(), 32) != 32) {
    // Only reachable with a value of more than 256 bits: a broken invariant here.
    std::fputs("keybridge: ECCSI scalar out of range; aborting\n", stderr);
    std::abort();
  }
  return out;
}

Status ReduceModQ(BIGNUM* r, const BIGNUM* a, BN_CTX* ctx) {
  if (BN_nnmod(r, a, Order(), ctx) != 1) return Fail(OpenSslFailure("BN_nnmod"));
  return Ok();
}

Status MulModQ(BIGNUM* r, const BIGNUM* a, const BIGNUM* b, BN_CTX* ctx) {
  const Curve& c = TheCurve();
  BN_CTX_start(ctx);
  BIGNUM* a_mont = BN_CTX_get(ctx);
  bool ok = a_mont != nullptr;
  if (ok) {
    BN_set_flags(a_mont, BN_FLG_CONSTTIME);
    // aR mod q, then (aR * b) / R = ab mod q: two Montgomery multiplications, no division.
    ok = BN_to_montgomery(a_mont, a, c.mont_q, ctx) == 1 &&
         BN_mod_mul_montgomery(r, a_mont, b, c.mont_q, ctx) == 1;
    BN_clear(a_mont);
  }
  BN_CTX_end(ctx);
  if (!ok) return Fail(OpenSslFailure("BN_mod_mul_montgomery"));
  return Ok();
}

Status AddModQ(BIGNUM* r, const BIGNUM* a, const BIGNUM* b) {
  uint8_t a_octets[32];
  uint8_t b_octets[32];
  if (BN_bn2binpad(a, a_octets, 32) != 32 || BN_bn2binpad(b, b_octets, 32) != 32) {
    return Fail(Error::Internal("ECCSI: scalar addend above 2^256"));
  }
  uint64_t x[4];
  uint64_t y[4];
  LoadLimbs(a_octets, x);
  LoadLimbs(b_octets, y);
  // sum = x + y (257 bits at most), diff = sum - q; pick diff when sum >= q, i.e. when the
  // addition carried out or the subtraction did not borrow. Selection by mask, no branch.
  uint64_t sum[4];
  uint64_t carry = 0;
  for (int i = 0; i < 4; ++i) {
    uint64_t t = x[i] + carry;
    uint64_t c1 = t < carry;
    sum[i] = t + y[i];
    uint64_t c2 = sum[i] < t;
    carry = c1 | c2;
  }
  uint64_t diff[4];
  uint64_t borrow = 0;
  for (int i = 0; i < 4; ++i) {
    uint64_t t = sum[i] - kOrderLimbs[i];
    uint64_t b1 = sum[i] < kOrderLimbs[i];
    diff[i] = t - borrow;
    uint64_t b2 = t < borrow;
    borrow = b1 | b2;
  }
  uint64_t take_diff = 0 - (carry | (borrow ^ 1));
  uint64_t out[4];
  for (int i = 0; i < 4; ++i) out[i] = (diff[i] & take_diff) | (sum[i] & ~take_diff);
  uint8_t out_octets[32];
  StoreLimbs(out, out_octets);
  bool ok = BN_bin2bn(out_octets, 32, r) != nullptr;
  SecureWipe(a_octets, sizeof a_octets);
  SecureWipe(b_octets, sizeof b_octets);
  SecureWipe(out_octets, sizeof out_octets);
  SecureWipe(x, sizeof x);
  SecureWipe(y, sizeof y);
  SecureWipe(sum, sizeof sum);
  SecureWipe(diff, sizeof diff);
  SecureWipe(out, sizeof out);
  if (!ok) return Fail(OpenSslFailure("BN_bin2bn"));
  BN_set_flags(r, BN_FLG_CONSTTIME);
  return Ok();
}

Status InvModQ(BIGNUM* r, const BIGNUM* a, BN_CTX* ctx) {
  const Curve& c = TheCurve();
  // q is prime, so a^(q-2) = a^-1; the exponent is public, the base secret.
  if (BN_mod_exp_mont_consttime(r, a, c.q_minus_2, c.q, ctx, c.mont_q) != 1) {
    return Fail(OpenSslFailure("BN_mod_exp_mont_consttime"));
  }
  BN_set_flags(r, BN_FLG_CONSTTIME);
  return Ok();
}

Result<Point> MulGenerator(const BIGNUM* k, BN_CTX* ctx) {
  KB_TRY(Point out, NewPoint());
  if (EC_POINT_mul(Group(), out.get(), k, nullptr, nullptr, ctx) != 1) {
    return Fail(OpenSslFailure("EC_POINT_mul"));
  }
  return out;
}

Result<Point> MulAdd(const BIGNUM* k, const EC_POINT* p, const EC_POINT* q, BN_CTX* ctx) {
  KB_TRY(Point out, NewPoint());
  if (EC_POINT_mul(Group(), out.get(), nullptr, p, k, ctx) != 1 ||
      EC_POINT_add(Group(), out.get(), out.get(), q, ctx) != 1) {
    return Fail(OpenSslFailure("EC_POINT_mul/add"));
  }
  return out;
}

Result<Point> DoubleMul(const BIGNUM* a, const BIGNUM* b, const EC_POINT* p, BN_CTX* ctx) {
  KB_TRY(Point out, NewPoint());
  if (EC_POINT_mul(Group(), out.get(), a, p, b, ctx) != 1) {
    return Fail(OpenSslFailure("EC_POINT_mul"));
  }
  return out;
}

Result<Bn> AffineX(const EC_POINT* point, BN_CTX* ctx) {
  KB_TRY(Bn x, NewBn());
  if (EC_POINT_get_affine_coordinates(Group(), point, x.get(), nullptr, ctx) != 1) {
    return Fail(OpenSslFailure("EC_POINT_get_affine_coordinates"));
  }
  return x;
}

Result<Point> ComputeY(const Digest& hs, const EC_POINT* pvt, const EC_POINT* kpak, BN_CTX* ctx) {
  KB_TRY(Bn hs_int, PublicInteger(hs));
  return MulAdd(hs_int.get(), pvt, kpak, ctx);
}

Digest HashHs(ByteView kpak, ByteView id, ByteView pvt) {
  return Sha256({GeneratorOctets(), kpak, id, pvt});
}

Digest HashHe(ByteView hs, ByteView r, ByteView message) { return Sha256({hs, r, message}); }

}  // namespace kb::crypto::eccsi::internal
