// RFC 6507 5.1.2 ECCSI (RFC 6509 profile): the user's validation of a received SSK and PVT.
#include "crypto/eccsi.h"
#include "crypto/eccsi_p256.h"

namespace kb::crypto::eccsi {

namespace in = internal;

Result<Bytes> ValidateUserKeys(ByteView kpak, ByteView id, const UserKeys& keys) {
  KB_TRY(in::Ctx ctx, in::NewCtx());
  KB_TRY(in::Point kpak_point, in::DecodePoint(kpak, "KPAK", ctx.get()));
  // Step 1: PVT on the curve and not the point at infinity (DecodePoint checks both).
  KB_TRY(in::Point pvt_point, in::DecodePoint(keys.pvt, "PVT", ctx.get()));
  if (keys.ssk.size() != kScalarBytes) {
    return Fail(
        Error::Malformed("SSK: expected 32 octets, got " + std::to_string(keys.ssk.size())));
  }
  auto ssk = in::SecretScalar(keys.ssk.Reveal(), "SSK");
  if (!ssk) return Fail(Error::CryptoFailure("SSK: not in [1, q-1]"));
  // Step 2: HS = hash(G || KPAK || ID || PVT).
  in::Digest hs = in::HashHs(kpak, id, keys.pvt);
  // Step 3: KPAK == [SSK]G - [HS]PVT, checked as [SSK]G == [HS]PVT + KPAK.
  KB_TRY(in::Point y, in::ComputeY(hs, pvt_point.get(), kpak_point.get(), ctx.get()));
  KB_TRY(in::Point ssk_g, in::MulGenerator(ssk->get(), ctx.get()));
  if (EC_POINT_cmp(in::Group(), ssk_g.get(), y.get(), ctx.get()) != 0) {
    return Fail(Error::CryptoFailure("SSK: does not match KPAK, ID and PVT"));
  }
  return Bytes(hs.begin(), hs.end());
}

}  // namespace kb::crypto::eccsi
