// NIST SP 800-38D AES-GCM with any IV length (TS 33.180 protected payloads use 16 octets), on
// OpenSSL 3 with EVP_CTRL_GCM_SET_IVLEN.
#include <limits>
#include <string>

#include "crypto/aes.h"
#include "crypto/openssl_detail.h"

namespace kb::crypto {

namespace {

// SP 800-38D 5.2.1.2: tags of 128, 120, 112, 104, 96 bits, and 64 or 32 for special uses.
bool ValidTagLength(size_t n) { return n == 4 || n == 8 || (n >= 12 && n <= 16); }

constexpr size_t kMaxLen = static_cast<size_t>(std::numeric_limits<int>::max()) - 16;

Result<detail::CipherCtx> InitGcm(ByteView key, ByteView iv, ByteView aad, size_t tag_len,
                                  bool encrypt) {
  KB_TRY(const EVP_CIPHER* cipher, detail::AesCipher(detail::AesMode::kGcm, key.size(), "GCM key"));
  if (iv.empty() || iv.size() > 128) {
    return Fail(
        Error::InvalidArgument("GCM IV must be 1..128 octets, got " + std::to_string(iv.size())));
  }
  if (!ValidTagLength(tag_len)) {
    return Fail(Error::InvalidArgument("GCM tag length must be 4, 8 or 12..16, got " +
                                       std::to_string(tag_len)));
  }
  if (aad.size() > kMaxLen) return Fail(Error::InvalidArgument("GCM AAD too long"));
  detail::CipherCtx ctx = detail::NewCipherCtx();
  if (EVP_CipherInit_ex(ctx.get(), cipher, nullptr, nullptr, nullptr, encrypt ? 1 : 0) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()),
                          nullptr) != 1 ||
      EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, key.data(), iv.data(), -1) != 1) {
    detail::OpenSslFatal("GCM init");
  }
  int len = 0;
  if (!aad.empty() &&
      EVP_CipherUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1) {
    detail::OpenSslFatal("GCM AAD");
  }
  return ctx;
}

}  // namespace

Result<Bytes> AesGcmSeal(ByteView key, ByteView iv, ByteView aad, ByteView plaintext,
                         size_t tag_len) {
  if (plaintext.size() > kMaxLen) return Fail(Error::InvalidArgument("GCM plaintext too long"));
  KB_TRY(detail::CipherCtx ctx, InitGcm(key, iv, aad, tag_len, true));
  Bytes out(plaintext.size() + tag_len);
  int len = 0;
  if (!plaintext.empty() && EVP_EncryptUpdate(ctx.get(), out.data(), &len, plaintext.data(),
                                              static_cast<int>(plaintext.size())) != 1) {
    detail::OpenSslFatal("GCM encrypt");
  }
  int fin = 0;
  uint8_t none = 0;
  uint8_t* tail = plaintext.empty() ? &none : out.data() + len;
  if (EVP_EncryptFinal_ex(ctx.get(), tail, &fin) != 1 ||
      static_cast<size_t>(len + fin) != plaintext.size()) {
    detail::OpenSslFatal("GCM final");
  }
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag_len),
                          out.data() + plaintext.size()) != 1) {
    detail::OpenSslFatal("GCM tag");
  }
  return out;
}

Result<SecretBytes> AesGcmOpen(ByteView key, ByteView iv, ByteView aad, ByteView sealed,
                               size_t tag_len) {
  if (sealed.size() > kMaxLen) return Fail(Error::InvalidArgument("GCM input too long"));
  KB_TRY(detail::CipherCtx ctx, InitGcm(key, iv, aad, tag_len, false));
  if (sealed.size() < tag_len) {
    return Fail(Error::Truncated("GCM sealed data shorter than the " + std::to_string(tag_len) +
                                 "-octet tag"));
  }
  ByteView ct = sealed.first(sealed.size() - tag_len);
  ByteView tag = sealed.last(tag_len);
  SecretBytes out(ct.size());
  int len = 0;
  if (!ct.empty() && EVP_DecryptUpdate(ctx.get(), out.RevealMutable().data(), &len, ct.data(),
                                       static_cast<int>(ct.size())) != 1) {
    detail::OpenSslFatal("GCM decrypt");
  }
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag_len),
                          const_cast<uint8_t*>(tag.data())) != 1) {
    detail::OpenSslFatal("GCM set tag");
  }
  int fin = 0;
  uint8_t none = 0;  // GCM final writes nothing; OpenSSL still wants a valid pointer
  uint8_t* tail = ct.empty() ? &none : out.RevealMutable().data() + len;
  if (EVP_DecryptFinal_ex(ctx.get(), tail, &fin) != 1) {
    return Fail(Error::CryptoFailure("GCM tag does not verify"));
  }
  return out;
}

}  // namespace kb::crypto
