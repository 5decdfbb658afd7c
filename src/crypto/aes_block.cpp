// AES block modes on OpenSSL 3: one ECB block (FIPS 197), OFB (SP 800-38A 6.4) and the zero-IV
// CBC-MAC that TIA-102.AACA uses for the enhanced KMM MAC.
#include <limits>
#include <string>

#include "crypto/aes.h"
#include "crypto/openssl_detail.h"

namespace kb::crypto {

namespace {

using detail::AesMode;
constexpr size_t kBlock = 16;

// Encrypts `in` into `out` (same length) with padding off; in.size() fits an int.
Status Encrypt(AesMode mode, ByteView key, const uint8_t* iv, ByteView in, std::span<uint8_t> out,
               std::string_view what) {
  KB_TRY(const EVP_CIPHER* cipher, detail::AesCipher(mode, key.size(), what));
  if (in.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return Fail(Error::InvalidArgument(std::string(what) + ": input too long"));
  }
  detail::CipherCtx ctx = detail::NewCipherCtx();
  if (EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, key.data(), iv) != 1) {
    detail::OpenSslFatal("AES init");
  }
  EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
  int len = 0;
  if (EVP_EncryptUpdate(ctx.get(), out.data(), &len, in.data(), static_cast<int>(in.size())) != 1) {
    detail::OpenSslFatal("AES update");
  }
  int fin = 0;
  if (EVP_EncryptFinal_ex(ctx.get(), out.data() + len, &fin) != 1 ||
      static_cast<size_t>(len + fin) != in.size()) {
    detail::OpenSslFatal("AES final");
  }
  return Ok();
}

}  // namespace

Result<Bytes> AesEncryptBlock(ByteView key, ByteView block16) {
  if (block16.size() != kBlock) {
    return Fail(Error::InvalidArgument("AES block must be 16 octets, got " +
                                       std::to_string(block16.size())));
  }
  Bytes out(kBlock);
  KB_CHECK(Encrypt(AesMode::kEcb, key, nullptr, block16, out, "AES block key"));
  return out;
}

Result<Bytes> AesOfb(ByteView key, ByteView iv16, ByteView data) {
  if (iv16.size() != kBlock) {
    return Fail(
        Error::InvalidArgument("OFB IV must be 16 octets, got " + std::to_string(iv16.size())));
  }
  Bytes out(data.size());
  KB_CHECK(Encrypt(AesMode::kOfb, key, iv16.data(), data, out, "OFB key"));
  return out;
}

Result<Bytes> AesOfbKeystream(ByteView key, ByteView iv16, size_t n) {
  Bytes zeros(n, 0);
  return AesOfb(key, iv16, zeros);
}

Result<Bytes> AesCbcMac(ByteView key, ByteView data) {
  if (data.empty()) return Fail(Error::InvalidArgument("CBC-MAC over empty data"));
  Bytes padded(data.begin(), data.end());
  padded.resize((data.size() + kBlock - 1) / kBlock * kBlock, 0);
  Bytes ct(padded.size());
  static constexpr uint8_t kZeroIv[kBlock] = {};
  KB_CHECK(Encrypt(AesMode::kCbc, key, kZeroIv, padded, ct, "CBC-MAC key"));
  return Bytes(ct.end() - kBlock, ct.end());
}

}  // namespace kb::crypto
