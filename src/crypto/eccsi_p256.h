// RFC 6507 / RFC 6509 ECCSI internals: NIST P-256 group, scalar and point helpers on OpenSSL 3.
//
// Private to the ECCSI implementation (eccsi*.cpp and its tests); not part of the crypto
// contract. Every function that takes a secret scalar says so and is constant-time in that
// scalar as far as OpenSSL allows; see docs/constant-time.md, section ECCSI. OpenSSL failures
// (allocation) come back as kInternal.
#pragma once

#include <openssl/bn.h>
#include <openssl/ec.h>

#include <memory>
#include <string_view>

#include "core/bytes.h"
#include "core/error.h"
#include "core/secret.h"
#include "crypto/hash.h"

namespace kb::crypto::eccsi::internal {

struct BnDeleter {
  void operator()(BIGNUM* b) const { BN_clear_free(b); }
};
struct PointDeleter {
  void operator()(EC_POINT* p) const { EC_POINT_clear_free(p); }
};
struct CtxDeleter {
  void operator()(BN_CTX* c) const { BN_CTX_free(c); }
};
using Bn = std::unique_ptr<BIGNUM, BnDeleter>;
using Point = std::unique_ptr<EC_POINT, PointDeleter>;
using Ctx = std::unique_ptr<BN_CTX, CtxDeleter>;

using Digest = Sha256Digest;

// The P-256 group (shared, immutable after first use, safe from any thread).
const EC_GROUP* Group();
// The group order q and the field prime p.
const BIGNUM* Order();
const BIGNUM* Prime();
// The generator G in its 65-octet uncompressed form.
ByteView GeneratorOctets();

Result<Ctx> NewCtx();
Result<Bn> NewBn();
Result<Point> NewPoint();

// Decodes a 65-octet uncompressed point (0x04 || x || y): kMalformed naming `field` when the
// length or prefix is wrong, a coordinate is not below p, or the point is not on the curve.
// The point at infinity has no 65-octet form, so a decoded point is never infinity. Errors give
// offsets from base_offset (the point's place in an enclosing structure).
Result<Point> DecodePoint(ByteView octets, std::string_view field, BN_CTX* ctx,
                          size_t base_offset = 0);
Result<Bytes> EncodePoint(const EC_POINT* point, BN_CTX* ctx);

// A public 32-octet big-endian integer, not reduced.
Result<Bn> PublicInteger(ByteView octets);
// Decodes a secret 32-octet scalar and checks 1 <= k <= q-1 (kInvalidArgument naming `field`
// otherwise). The result carries BN_FLG_CONSTTIME.
Result<Bn> SecretScalar(ByteView octets, std::string_view field);
// A uniformly random secret scalar in [1, q-1] (BN_priv_rand_range_ex), BN_FLG_CONSTTIME set.
Result<Bn> RandomScalar(BN_CTX* ctx);
// The 32-octet big-endian form of a scalar below 2^256 (BN_bn2binpad, constant-time in 3.0).
SecretBytes ScalarOctets(const BIGNUM* k);

// r = a mod q for a public a.
Status ReduceModQ(BIGNUM* r, const BIGNUM* a, BN_CTX* ctx);
// r = a * b mod q for a, b in [0, q-1], either or both secret (Montgomery multiplication).
Status MulModQ(BIGNUM* r, const BIGNUM* a, const BIGNUM* b, BN_CTX* ctx);
// r = a + b mod q for a, b in [0, q-1], either or both secret, without value-dependent branches.
Status AddModQ(BIGNUM* r, const BIGNUM* a, const BIGNUM* b);
// r = a^-1 mod q for a secret a in [1, q-1], by Fermat: a^(q-2) with BN_mod_exp_mont_consttime.
Status InvModQ(BIGNUM* r, const BIGNUM* a, BN_CTX* ctx);

// [k]G for a secret k in [1, q-1]: OpenSSL's single-scalar fixed-base path (constant-time).
Result<Point> MulGenerator(const BIGNUM* k, BN_CTX* ctx);
// [k]P + Q for public k, P and Q (variable time allowed).
Result<Point> MulAdd(const BIGNUM* k, const EC_POINT* p, const EC_POINT* q, BN_CTX* ctx);
// [a]G + [b]P for public a, b and P (variable time allowed).
Result<Point> DoubleMul(const BIGNUM* a, const BIGNUM* b, const EC_POINT* p, BN_CTX* ctx);
// The affine x-coordinate of a point that is not infinity.
Result<Bn> AffineX(const EC_POINT* point, BN_CTX* ctx);

// Y = [HS]PVT + KPAK (RFC 6507 5.2.2 step 4; KPAK == [SSK]G - [HS]PVT in 5.1.2 is Y == [SSK]G).
Result<Point> ComputeY(const Digest& hs, const EC_POINT* pvt, const EC_POINT* kpak, BN_CTX* ctx);

// HS = SHA-256(G || KPAK || ID || PVT) (RFC 6507 5.1.1 step 3 and 5.2.2 step 2).
Digest HashHs(ByteView kpak, ByteView id, ByteView pvt);
// HE = SHA-256(HS || r || M) (RFC 6507 5.2.1 step 3 and 5.2.2 step 3).
Digest HashHe(ByteView hs, ByteView r, ByteView message);

}  // namespace kb::crypto::eccsi::internal
