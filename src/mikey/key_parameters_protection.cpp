// TS 33.180 E.6 / 8.5.4 / F.1: AES-128-GCM protection of the key parameters (16-octet IV).
#include "mikey/key_parameters_protection.h"

#include <fmt/format.h>

#include <algorithm>

#include "crypto/aes.h"
#include "crypto/kdf.h"
#include "crypto/random.h"

namespace kb::mikey {

namespace {

Bytes Be32(uint32_t v) {
  ByteWriter w(4);
  w.U32(v);
  return std::move(w).Take();
}

}  // namespace

SecretBytes DeriveDpck(const SecretBytes& dppk, uint32_t dppk_id) {
  Bytes id = Be32(dppk_id);
  SecretBytes full = crypto::Kdf33220(dppk.Reveal(), kDpckFc, {ByteView(id)});
  return SecretBytes(full.Reveal().last(16));
}

Result<ProtectedPayload> SealKeyParameters(const KeyParameters& params, const SecretBytes& dppk,
                                           uint32_t dppk_id, NtpTime date_time, ByteView iv) {
  if (!iv.empty() && iv.size() != kProtectedPayloadIvBytes) {
    return Fail(Error::InvalidArgument("key parameters: the IV must be 16 octets"));
  }
  ProtectedPayload p;
  p.date_time = date_time.seconds();
  p.dppk_id = dppk_id;
  if (iv.empty()) {
    crypto::RandomFill(p.iv);
  } else {
    std::copy(iv.begin(), iv.end(), p.iv.begin());
  }
  KB_TRY(Bytes plaintext, params.Encode());
  SecretBytes dpck = DeriveDpck(dppk, dppk_id);
  KB_TRY(p.sealed,
         crypto::AesGcmSeal(dpck.Reveal(), p.iv, p.Aad(), plaintext, kProtectedPayloadTagBytes));
  return p;
}

Result<KeyParameters> OpenKeyParameters(const ProtectedPayload& payload, const SecretBytes& dppk,
                                        uint32_t expected_dppk_id) {
  if (payload.dppk_id != expected_dppk_id) {
    return Fail(Error::Malformed(
        fmt::format("key parameters: DPPK-ID {:08x} differs from the CSB-ID {:08x}",
                    payload.dppk_id, expected_dppk_id)));
  }
  if (payload.algorithm != kPayloadAlgorithmAes128Gcm) {
    return Fail(Error::Unsupported(fmt::format(
        "key parameters: payload algorithm {} (only 1 = AES-128-GCM)", payload.algorithm)));
  }
  if (payload.ie_type != kKeyParametersIeType) {
    return Fail(Error::Unsupported(
        fmt::format("key parameters: payload IE type {} (expected 0)", payload.ie_type)));
  }
  SecretBytes dpck = DeriveDpck(dppk, payload.dppk_id);
  auto plain = crypto::AesGcmOpen(dpck.Reveal(), payload.iv, payload.Aad(), payload.sealed,
                                  kProtectedPayloadTagBytes);
  if (!plain) {
    return Fail(Error::CryptoFailure("key parameters: the AES-GCM tag does not verify"));
  }
  auto params = KeyParameters::Decode(plain->Reveal());
  if (!params) return Fail(std::move(params).error().Within("key parameters plaintext"));
  return params;
}

}  // namespace kb::mikey
