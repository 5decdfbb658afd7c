// RFC 6507 5.2.1 ECCSI (RFC 6509 profile): signing with a validated SSK.
#include <openssl/bn.h>

#include <optional>

#include "crypto/eccsi.h"
#include "crypto/eccsi_p256.h"

namespace kb::crypto::eccsi {

namespace in = internal;

struct Signer::State {
  in::Bn ssk;  // BN_FLG_CONSTTIME, wiped by BN_clear_free
  Bytes pvt;
  Bytes hs;
};

namespace {

// Steps 1-6 with a given j. Returns nullopt when this j cannot be used (r = 0, or
// HE + r * SSK = 0 mod q; each has probability about 2^-256) and the RFC says to pick another.
Result<std::optional<Bytes>> SignWith(const in::Bn& ssk, ByteView pvt, ByteView hs,
                                      ByteView message, const BIGNUM* j, BN_CTX* ctx) {
  // Step 1: J = [j]G, r = Jx (an integer below p, not reduced mod q).
  KB_TRY(in::Point j_point, in::MulGenerator(j, ctx));
  KB_TRY(in::Bn r, in::AffineX(j_point.get(), ctx));
  if (BN_is_zero(r.get())) return std::optional<Bytes>();
  uint8_t r_octets[kScalarBytes];
  if (BN_bn2binpad(r.get(), r_octets, kScalarBytes) != kScalarBytes) {
    return Fail(Error::Internal("ECCSI: r above 2^256"));
  }
  // Step 2: HE = hash(HS || r || M).
  in::Digest he_octets = in::HashHe(hs, r_octets, message);
  KB_TRY(in::Bn he, in::PublicInteger(he_octets));
  KB_CHECK(in::ReduceModQ(he.get(), he.get(), ctx));
  KB_CHECK(in::ReduceModQ(r.get(), r.get(), ctx));
  // Step 3: t = HE + r * SSK mod q must not be 0. SSK and t are secret.
  KB_TRY(in::Bn t, in::NewBn());
  BN_set_flags(t.get(), BN_FLG_CONSTTIME);
  KB_CHECK(in::MulModQ(t.get(), r.get(), ssk.get(), ctx));
  KB_CHECK(in::AddModQ(t.get(), he.get(), t.get()));
  if (BN_is_zero(t.get())) return std::optional<Bytes>();
  // Step 4: s' = t^-1 * j mod q. Step 5: with N = 32 and q < 2^256, s' always fits, so s = s'.
  KB_TRY(in::Bn s, in::NewBn());
  KB_CHECK(in::InvModQ(t.get(), t.get(), ctx));
  KB_CHECK(in::MulModQ(s.get(), t.get(), j, ctx));
  // Step 6: Sig = r || s || PVT.
  ByteWriter out(kSignatureBytes);
  out.Append(ByteView(r_octets, kScalarBytes));
  out.Append(in::ScalarOctets(s.get()).Reveal());
  out.Append(pvt);
  return std::optional<Bytes>(std::move(out).Take());
}

}  // namespace

Signer::Signer(std::unique_ptr<State> state) : state_(std::move(state)) {}
Signer::~Signer() = default;
Signer::Signer(Signer&&) noexcept = default;
Signer& Signer::operator=(Signer&&) noexcept = default;

Result<Signer> Signer::Create(ByteView kpak, ByteView id, UserKeys keys) {
  KB_TRY(Bytes hs, ValidateUserKeys(kpak, id, keys));
  KB_TRY(in::Bn ssk, in::SecretScalar(keys.ssk.Reveal(), "SSK"));
  auto state = std::make_unique<State>(State{std::move(ssk), std::move(keys.pvt), std::move(hs)});
  return Signer(std::move(state));
}

Result<Bytes> Signer::Sign(ByteView message) const {
  KB_TRY(in::Ctx ctx, in::NewCtx());
  for (;;) {
    KB_TRY(in::Bn j, in::RandomScalar(ctx.get()));
    KB_TRY(std::optional<Bytes> sig,
           SignWith(state_->ssk, state_->pvt, state_->hs, message, j.get(), ctx.get()));
    if (sig) return std::move(*sig);
  }
}

Result<Bytes> Signer::SignWithJ(ByteView message, ByteView j) const {
  KB_TRY(in::Ctx ctx, in::NewCtx());
  KB_TRY(in::Bn j_int, in::SecretScalar(j, "j"));
  KB_TRY(std::optional<Bytes> sig,
         SignWith(state_->ssk, state_->pvt, state_->hs, message, j_int.get(), ctx.get()));
  if (!sig) return Fail(Error::InvalidArgument("j: unusable for this message; choose another j"));
  return std::move(*sig);
}

ByteView Signer::pvt() const { return state_->pvt; }
ByteView Signer::hs() const { return state_->hs; }

}  // namespace kb::crypto::eccsi
