// RFC 6507 4.2 and 5.1.1 ECCSI (RFC 6509 profile): the KMS keys KSAK/KPAK and the issue of a
// user's SSK and PVT.
#include <openssl/bn.h>

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "crypto/eccsi.h"
#include "crypto/eccsi_p256.h"

namespace kb::crypto::eccsi {
namespace {

namespace in = internal;

Result<KmsKeys> KeysFromScalar(const BIGNUM* ksak, BN_CTX* ctx) {
  KB_TRY(in::Point kpak, in::MulGenerator(ksak, ctx));
  KB_TRY(Bytes kpak_octets, in::EncodePoint(kpak.get(), ctx));
  return KmsKeys{in::ScalarOctets(ksak), std::move(kpak_octets)};
}

// RFC 6507 5.1.1 steps 2-5 with a given v. Returns nullopt in the (probability 2^-256) case
// SSK = 0, where the RFC says to choose another v.
Result<std::optional<UserKeys>> IssueWith(const BIGNUM* ksak, ByteView kpak, ByteView id,
                                          const BIGNUM* v, BN_CTX* ctx) {
  // PVT = [v]G; never infinity since 1 <= v <= q-1.
  KB_TRY(in::Point pvt, in::MulGenerator(v, ctx));
  KB_TRY(Bytes pvt_octets, in::EncodePoint(pvt.get(), ctx));
  // HS = hash(G || KPAK || ID || PVT), then SSK = KSAK + HS * v mod q.
  in::Digest hs = in::HashHs(kpak, id, pvt_octets);
  KB_TRY(in::Bn hs_q, in::PublicInteger(hs));
  KB_CHECK(in::ReduceModQ(hs_q.get(), hs_q.get(), ctx));
  KB_TRY(in::Bn hs_v, in::NewBn());
  KB_TRY(in::Bn ssk, in::NewBn());
  BN_set_flags(hs_v.get(), BN_FLG_CONSTTIME);
  BN_set_flags(ssk.get(), BN_FLG_CONSTTIME);
  KB_CHECK(in::MulModQ(hs_v.get(), hs_q.get(), v, ctx));
  KB_CHECK(in::AddModQ(ssk.get(), ksak, hs_v.get()));
  if (BN_is_zero(ssk.get())) return std::optional<UserKeys>();
  return std::optional<UserKeys>(UserKeys{in::ScalarOctets(ssk.get()), std::move(pvt_octets)});
}

// The KMS's KSAK, checked against its KPAK (a KMS configured with a mismatched pair would
// issue keys no user can validate).
Result<in::Bn> CheckedKsak(const KmsKeys& kms, BN_CTX* ctx) {
  KB_TRY(in::Bn ksak, in::SecretScalar(kms.ksak.Reveal(), "KSAK"));
  KB_TRY(in::Point kpak, in::DecodePoint(kms.kpak, "KPAK", ctx));
  KB_TRY(in::Point expected, in::MulGenerator(ksak.get(), ctx));
  if (EC_POINT_cmp(in::Group(), kpak.get(), expected.get(), ctx) != 0) {
    return Fail(Error::InvalidArgument("KPAK: not [KSAK]G"));
  }
  return ksak;
}

}  // namespace

KmsKeys GenerateKmsKeys() {
  auto keys = [&]() -> Result<KmsKeys> {
    KB_TRY(in::Ctx ctx, in::NewCtx());
    KB_TRY(in::Bn ksak, in::RandomScalar(ctx.get()));
    return KeysFromScalar(ksak.get(), ctx.get());
  }();
  if (!keys) {
    // Only allocation failures reach here; there is no key to return.
    std::fputs("keybridge: ECCSI key generation failed; aborting\n", stderr);
    std::abort();
  }
  return std::move(*keys);
}

Result<KmsKeys> KmsKeysFromKsak(ByteView ksak) {
  KB_TRY(in::Ctx ctx, in::NewCtx());
  KB_TRY(in::Bn k, in::SecretScalar(ksak, "KSAK"));
  return KeysFromScalar(k.get(), ctx.get());
}

Result<UserKeys> IssueUserKeys(const KmsKeys& kms, ByteView id) {
  KB_TRY(in::Ctx ctx, in::NewCtx());
  KB_TRY(in::Bn ksak, CheckedKsak(kms, ctx.get()));
  for (;;) {
    KB_TRY(in::Bn v, in::RandomScalar(ctx.get()));
    KB_TRY(std::optional<UserKeys> keys, IssueWith(ksak.get(), kms.kpak, id, v.get(), ctx.get()));
    if (keys) return std::move(*keys);
  }
}

Result<UserKeys> IssueUserKeysWithV(const KmsKeys& kms, ByteView id, ByteView v) {
  KB_TRY(in::Ctx ctx, in::NewCtx());
  KB_TRY(in::Bn ksak, CheckedKsak(kms, ctx.get()));
  KB_TRY(in::Bn v_int, in::SecretScalar(v, "v"));
  KB_TRY(std::optional<UserKeys> keys, IssueWith(ksak.get(), kms.kpak, id, v_int.get(), ctx.get()));
  if (!keys) return Fail(Error::InvalidArgument("v: gives SSK = 0; choose another v"));
  return std::move(*keys);
}

}  // namespace kb::crypto::eccsi
