// TIA-102.AACA 13.4 enhanced KMM MAC: key derivation, computation, signing and verification.
#include "p25/kmm_mac.h"

#include <fmt/format.h>

#include <algorithm>

#include "crypto/aes.h"
#include "crypto/kdf.h"
#include "p25/algorithm_id.h"

namespace kb::p25 {
namespace {

constexpr std::string_view kOtarMacLabel = "OTAR MAC";
constexpr size_t kDerivedKeySize = 32;

}  // namespace

Result<SecretBytes> DeriveCbcMacKey(const SecretBytes& mac_key, size_t mac_input_len) {
  if (mac_input_len > 0xFFFF) {
    return Fail(Error::InvalidArgument("CBC-MAC input longer than 65535 octets"));
  }
  ByteWriter iv(8);
  iv.Zeros(6).U16(static_cast<uint16_t>(mac_input_len));
  KB_TRY(Bytes wrapped, crypto::AesKeyWrapWithIv(mac_key.Reveal(), iv.view(), mac_key.Reveal()));
  if (wrapped.size() != mac_key.size() + 8) {
    return Fail(Error::Internal("CBC-MAC key wrap returned an unexpected length"));
  }
  SecretBytes derived(ByteView(wrapped).subspan(8));
  SecureWipe(wrapped.data(), wrapped.size());
  return derived;
}

SecretBytes DeriveCmacKey(const SecretBytes& mac_key, ByteView context) {
  return crypto::Sp800108CounterHmacSha256(mac_key.Reveal(), AsBytes(kOtarMacLabel), context,
                                           kDerivedKeySize, /*length_octets=*/2);
}

Result<Bytes> ComputeEnhancedMac(MacFormat format, const SecretBytes& mac_key, ByteView mac_input,
                                 ByteView kdf_context) {
  Bytes tag;
  switch (format) {
    case MacFormat::kCbcMac: {
      KB_TRY(SecretBytes k, DeriveCbcMacKey(mac_key, mac_input.size()));
      KB_TRY(tag, crypto::AesCbcMac(k.Reveal(), mac_input));
      break;
    }
    case MacFormat::kCmac: {
      SecretBytes k = DeriveCmacKey(mac_key, kdf_context);
      KB_TRY(tag, crypto::AesCmac(k.Reveal(), mac_input));
      break;
    }
    default:
      return Fail(
          Error::Unsupported(fmt::format("MAC Format 0x{:02X}", static_cast<uint8_t>(format))));
  }
  if (tag.size() < kEnhancedMacSize) return Fail(Error::Internal("short AES MAC"));
  tag.resize(kEnhancedMacSize);
  return tag;
}

Result<KmmMacView> ViewKmmMac(ByteView kmm) {
  KB_TRY(MacLocation loc, LocateMac(kmm));
  if (loc.mac_size == 0) return Fail(Error::NotFound("KMM carries no MAC"));
  if (loc.mac_size != kEnhancedMacSize) {
    return Fail(Error::Unsupported(fmt::format("MAC at offset {}: DES-MAC", loc.mac_offset)));
  }
  KmmMacView v;
  v.mac = kmm.subspan(loc.mac_offset, loc.mac_size);
  ByteReader trailer(kmm.subspan(loc.mac_offset + loc.mac_size), loc.mac_offset + loc.mac_size);
  ByteReader length_at = trailer;
  KB_TRY(uint8_t mac_length, trailer.U8("MAC Length"));
  if (mac_length != loc.mac_size) {
    return Fail(
        length_at.MalformedAt("MAC Length", fmt::format("{} for an enhanced MAC", mac_length)));
  }
  KB_TRY(v.algid, trailer.U8("MAC Algorithm ID"));
  KB_TRY(v.kid, trailer.U16("MAC Key ID"));
  KB_TRY(v.format, trailer.U8("MAC Format"));
  KB_CHECK(trailer.ExpectEnd("MAC trailer"));
  v.mac_input.reserve(kmm.size() - loc.mac_size);
  v.mac_input.insert(v.mac_input.end(), kmm.begin(), kmm.begin() + loc.mac_offset);
  v.mac_input.insert(v.mac_input.end(), kmm.begin() + loc.mac_offset + loc.mac_size, kmm.end());
  v.kdf_context = kmm.first(loc.header_size);
  return v;
}

namespace {

Result<Bytes> MacOf(const KmmMacView& v, const SecretBytes& mac_key) {
  if (v.algid != kAlgidAes256) {
    return Fail(Error::Unsupported(fmt::format("MAC Algorithm ID 0x{:02X}", v.algid)));
  }
  if (v.format != static_cast<uint8_t>(MacFormat::kCbcMac) &&
      v.format != static_cast<uint8_t>(MacFormat::kCmac)) {
    return Fail(Error::Unsupported(fmt::format("MAC Format 0x{:02X}", v.format)));
  }
  return ComputeEnhancedMac(static_cast<MacFormat>(v.format), mac_key, v.mac_input, v.kdf_context);
}

}  // namespace

Status SignKmm(std::span<uint8_t> kmm, const SecretBytes& mac_key) {
  KB_TRY(KmmMacView v, ViewKmmMac(kmm));
  KB_TRY(Bytes mac, MacOf(v, mac_key));
  size_t offset = static_cast<size_t>(v.mac.data() - kmm.data());
  std::copy(mac.begin(), mac.end(), kmm.begin() + static_cast<std::ptrdiff_t>(offset));
  return Ok();
}

Status VerifyKmmMac(ByteView kmm, const SecretBytes& mac_key) {
  KB_TRY(KmmMacView v, ViewKmmMac(kmm));
  KB_TRY(Bytes mac, MacOf(v, mac_key));
  if (!ConstantTimeEqual(mac, v.mac)) {
    return Fail(Error::CryptoFailure(fmt::format("KMM MAC (KID 0x{:04X}) does not verify", v.kid)));
  }
  return Ok();
}

Result<Bytes> EncodeSignedKmm(const Kmm& kmm, MacFormat format, uint16_t mac_kid,
                              const SecretBytes& mac_key) {
  MacTrailer trailer{Bytes(kEnhancedMacSize, 0), kAlgidAes256, mac_kid,
                     static_cast<uint8_t>(format)};
  KB_TRY(Bytes out, EncodeKmm(kmm.header, kmm.body, trailer));
  KB_CHECK(SignKmm(out, mac_key));
  return out;
}

}  // namespace kb::p25
