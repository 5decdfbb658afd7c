// TIA-102.AACA §14.3.4 enhanced MAC as the KMF applies it.
#include "kmf/kmm_seal.h"

#include <fmt/format.h>

#include "p25/kmm_mac.h"

namespace kb::kmf {

Result<Bytes> SealKmm(const p25::Kmm& kmm, const Unit& unit) {
  return p25::EncodeSignedKmm(kmm, static_cast<p25::MacFormat>(unit.mac_format), unit.mac_key.kid,
                              unit.mac_key.key);
}

Result<p25::Kmm> OpenKmm(ByteView kmm, const Unit& unit) {
  auto view = p25::ViewKmmMac(kmm);
  if (!view) {
    if (view.error().kind() == ErrorKind::kNotFound)
      return Fail(Error::CryptoFailure(fmt::format("KMM from RSI {} carries no MAC", unit.rsi)));
    return Fail(view.error());
  }
  if (view->algid != unit.mac_key.algid || view->kid != unit.mac_key.kid)
    return Fail(Error::CryptoFailure(fmt::format(
        "KMM from RSI {}: MAC key KID 0x{:04X} is not the unit's", unit.rsi, view->kid)));
  KB_CHECK(p25::VerifyKmmMac(kmm, unit.mac_key.key));
  return p25::Kmm::Decode(kmm);
}

}  // namespace kb::kmf
