// RFC 6507 5.2.2 ECCSI (RFC 6509 profile): signature verification, with a per-signer cache of Y.
#include <openssl/bn.h>

#include <algorithm>

#include "crypto/eccsi.h"
#include "crypto/eccsi_p256.h"

namespace kb::crypto::eccsi {

namespace in = internal;

namespace {
constexpr size_t kROffset = 0;
constexpr size_t kSOffset = kScalarBytes;
constexpr size_t kPvtOffset = 2 * kScalarBytes;
constexpr std::string_view kSigPvtField = "ECCSI signature.PVT";

Status CheckSignatureLength(ByteView signature) {
  if (signature.size() != kSignatureBytes) {
    return Fail(Error::Malformed("ECCSI signature: expected 129 octets, got " +
                                 std::to_string(signature.size())));
  }
  return Ok();
}
}  // namespace

struct Verifier::State {
  Bytes pvt;
  in::Digest hs;
  in::Point y;
  Bytes y_octets;
};

Verifier::Verifier(std::unique_ptr<State> state) : state_(std::move(state)) {}
Verifier::~Verifier() = default;
Verifier::Verifier(Verifier&&) noexcept = default;
Verifier& Verifier::operator=(Verifier&&) noexcept = default;

Result<Verifier> Verifier::Create(ByteView kpak, ByteView id, ByteView pvt) {
  KB_TRY(in::Ctx ctx, in::NewCtx());
  KB_TRY(in::Point kpak_point, in::DecodePoint(kpak, "KPAK", ctx.get()));
  // Step 1: PVT on the curve (and, having a 65-octet form, not infinity).
  KB_TRY(in::Point pvt_point, in::DecodePoint(pvt, "PVT", ctx.get()));
  // Step 2: HS = hash(G || KPAK || ID || PVT). Step 4: Y = [HS]PVT + KPAK.
  in::Digest hs = in::HashHs(kpak, id, pvt);
  KB_TRY(in::Point y, in::ComputeY(hs, pvt_point.get(), kpak_point.get(), ctx.get()));
  if (EC_POINT_is_at_infinity(in::Group(), y.get()) == 1) {
    // [HS]PVT = -KPAK: no SSK can exist for this PVT ([SSK]G = Y would need SSK = 0).
    return Fail(Error::CryptoFailure("PVT: [HS]PVT + KPAK is the point at infinity"));
  }
  KB_TRY(Bytes y_octets, in::EncodePoint(y.get(), ctx.get()));
  auto state = std::make_unique<State>(
      State{Bytes(pvt.begin(), pvt.end()), hs, std::move(y), std::move(y_octets)});
  return Verifier(std::move(state));
}

Status Verifier::Verify(ByteView message, ByteView signature) const {
  KB_CHECK(CheckSignatureLength(signature));
  KB_TRY(in::Ctx ctx, in::NewCtx());
  ByteReader reader(signature);
  KB_TRY(ByteView r_octets, reader.Take(kScalarBytes, "ECCSI signature.r"));
  KB_TRY(ByteView s_octets, reader.Take(kScalarBytes, "ECCSI signature.s"));
  KB_TRY(ByteView pvt, reader.Take(kPointBytes, kSigPvtField));
  KB_CHECK(reader.ExpectEnd("ECCSI signature"));

  KB_TRY(in::Bn r, in::PublicInteger(r_octets));
  if (BN_is_zero(r.get()) || BN_cmp(r.get(), in::Prime()) >= 0) {
    return Fail(Error::Malformed("ECCSI signature.r at offset " + std::to_string(kROffset) +
                                 ": not in [1, p-1]"));
  }
  KB_TRY(in::Bn s, in::PublicInteger(s_octets));
  if (BN_is_zero(s.get()) || BN_cmp(s.get(), in::Order()) >= 0) {
    return Fail(Error::Malformed("ECCSI signature.s at offset " + std::to_string(kSOffset) +
                                 ": not in [1, q-1]"));
  }
  if (!std::ranges::equal(pvt, state_->pvt)) {
    // Keep the error classes of the free Verify(): an unparsable PVT is malformed.
    KB_CHECK(in::DecodePoint(pvt, kSigPvtField, ctx.get(), kPvtOffset));
    return Fail(Error::CryptoFailure("ECCSI signature.PVT: not the PVT of this verifier"));
  }

  // Step 3: HE = hash(HS || r || M).
  in::Digest he_octets = in::HashHe(state_->hs, r_octets, message);
  KB_TRY(in::Bn he, in::PublicInteger(he_octets));
  KB_CHECK(in::ReduceModQ(he.get(), he.get(), ctx.get()));
  // Step 5: J = [s]([HE]G + [r]Y) = [s * HE]G + [s * r]Y. Everything here is public.
  KB_TRY(in::Bn r_q, in::NewBn());
  KB_CHECK(in::ReduceModQ(r_q.get(), r.get(), ctx.get()));
  KB_TRY(in::Bn a, in::NewBn());
  KB_TRY(in::Bn b, in::NewBn());
  KB_CHECK(in::MulModQ(a.get(), s.get(), he.get(), ctx.get()));
  KB_CHECK(in::MulModQ(b.get(), s.get(), r_q.get(), ctx.get()));
  KB_TRY(in::Point j, in::DoubleMul(a.get(), b.get(), state_->y.get(), ctx.get()));
  // Step 6: J not infinity and Jx = r (both below p, so "mod p" is equality).
  if (EC_POINT_is_at_infinity(in::Group(), j.get()) == 1) {
    return Fail(Error::CryptoFailure("ECCSI signature: J is the point at infinity"));
  }
  KB_TRY(in::Bn jx, in::AffineX(j.get(), ctx.get()));
  if (BN_cmp(jx.get(), r.get()) != 0) {
    return Fail(Error::CryptoFailure("ECCSI signature: does not verify"));
  }
  return Ok();
}

ByteView Verifier::pvt() const { return state_->pvt; }
ByteView Verifier::hs() const { return state_->hs; }
ByteView Verifier::y() const { return state_->y_octets; }

Status Verify(ByteView kpak, ByteView id, ByteView message, ByteView signature) {
  KB_CHECK(CheckSignatureLength(signature));
  ByteView pvt = signature.subspan(kPvtOffset, kPointBytes);
  {
    // Decode here first so that an error names the PVT's place in the signature.
    KB_TRY(in::Ctx ctx, in::NewCtx());
    KB_CHECK(in::DecodePoint(pvt, kSigPvtField, ctx.get(), kPvtOffset));
  }
  KB_TRY(Verifier verifier, Verifier::Create(kpak, id, pvt));
  return verifier.Verify(message, signature);
}

}  // namespace kb::crypto::eccsi
