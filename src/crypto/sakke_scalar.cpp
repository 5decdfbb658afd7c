// RFC 6508 sections 5.1 (HashToIntegerRange) and 6 (integers mod q), constant time.
#include "crypto/sakke_scalar.h"

#include <gmp.h>
#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "core/encoding.h"
#include "core/secret.h"
#include "crypto/sakke_params.h"

namespace kb::crypto::sakke {
namespace {

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "keybridge: SAKKE %s failed\n", what);
  std::abort();
}

const Scalar& Q() {
  static const Scalar q = [] {
    auto b = FromHex(kQHex);
    if (!b || b->size() != 128) Die("q constant");
    return LimbsFromBytes(*b);
  }();
  return q;
}

// Reduces n (nn limbs, destroyed) mod q into out.
void SecReduce(Scalar& out, uint64_t* n, mp_size_t nn) {
  std::vector<mp_limb_t> scratch(static_cast<size_t>(mpn_sec_div_r_itch(nn, kLimbs)) + 1);
  mpn_sec_div_r(n, nn, Q().data(), kLimbs, scratch.data());
  for (int i = 0; i < kLimbs; ++i) out[i] = n[i];
  SecureWipe(scratch.data(), scratch.size() * sizeof(mp_limb_t));
}

void Sha256(ByteView a, ByteView b, uint8_t out[32]) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr || EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx, a.data(), a.size()) != 1 ||
      EVP_DigestUpdate(ctx, b.data(), b.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, out, nullptr) != 1) {
    Die("SHA-256");
  }
  EVP_MD_CTX_free(ctx);
}

// v' = v_1 || ... || v_l of RFC 6508 5.1 into out (32*l octets).
void HashBlocks(ByteView s, int l, uint8_t* out) {
  uint8_t A[32], h[32] = {};
  Sha256(s, {}, A);
  for (int i = 0; i < l; ++i) {
    uint8_t next[32];
    Sha256(ByteView(h, 32), {}, next);
    std::copy(next, next + 32, h);
    Sha256(ByteView(h, 32), ByteView(A, 32), out + 32 * i);
  }
  SecureWipe(A, sizeof(A));
}

}  // namespace

const Scalar& OrderQ() { return Q(); }

Scalar ScalarFromBytes(ByteView be) {
  size_t nlimbs = std::max<size_t>((be.size() + 7) / 8, kLimbs);
  std::vector<uint64_t> n(nlimbs, 0);
  for (size_t i = 0; i < be.size(); ++i) {
    size_t bit = 8 * (be.size() - 1 - i);
    n[bit / 64] |= static_cast<uint64_t>(be[i]) << (bit % 64);
  }
  Scalar out;
  SecReduce(out, n.data(), static_cast<mp_size_t>(nlimbs));
  SecureWipe(n.data(), n.size() * sizeof(uint64_t));
  return out;
}

void ScalarToBytes(const Scalar& a, uint8_t out[128]) { LimbsToBytes(a, out); }

Scalar ScalarMulMod(const Scalar& a, const Scalar& b) {
  uint64_t t[2 * kLimbs];
  std::vector<mp_limb_t> scratch(static_cast<size_t>(mpn_sec_mul_itch(kLimbs, kLimbs)) + 1);
  mpn_sec_mul(t, a.data(), kLimbs, b.data(), kLimbs, scratch.data());
  Scalar out;
  SecReduce(out, t, 2 * kLimbs);
  SecureWipe(t, sizeof(t));
  return out;
}

Scalar ScalarAddMod(const Scalar& a, const Scalar& b) {
  uint64_t t[kLimbs + 1];
  t[kLimbs] = mpn_add_n(t, a.data(), b.data(), kLimbs);
  Scalar out;
  SecReduce(out, t, kLimbs + 1);
  SecureWipe(t, sizeof(t));
  return out;
}

Scalar ScalarNegRaw(const Scalar& a) {
  Scalar out;
  mpn_sub_n(out.data(), Q().data(), a.data(), kLimbs);
  return out;
}

Scalar ScalarInvMod(const Scalar& a, bool& ok) {
  Scalar ap = a, out{};
  std::vector<mp_limb_t> scratch(static_cast<size_t>(mpn_sec_invert_itch(kLimbs)) + 1);
  ok = mpn_sec_invert(out.data(), ap.data(), Q().data(), kLimbs, 2 * 1024, scratch.data()) == 1;
  SecureWipe(ap.data(), sizeof(ap));
  SecureWipe(scratch.data(), scratch.size() * sizeof(mp_limb_t));
  return out;
}

uint64_t ScalarIsZeroMask(const Scalar& a) {
  uint64_t x = 0;
  for (uint64_t v : a) x |= v;
  return ((x | (0 - x)) >> 63) - 1;
}

uint64_t ScalarBelowQMask(const Scalar& a) {
  Scalar t;
  uint64_t borrow = mpn_sub_n(t.data(), a.data(), Q().data(), kLimbs);
  SecureWipe(t.data(), sizeof(t));
  return 0 - borrow;
}

Scalar HashToRangeQ(ByteView s) {
  uint8_t v[128];
  HashBlocks(s, 4, v);
  Scalar out = ScalarFromBytes(ByteView(v, 128));
  SecureWipe(v, sizeof(v));
  return out;
}

void HashToRange128(ByteView s, uint8_t out[16]) {
  uint8_t v[32];
  HashBlocks(s, 1, v);
  std::copy(v + 16, v + 32, out);
  SecureWipe(v, sizeof(v));
}

}  // namespace kb::crypto::sakke
