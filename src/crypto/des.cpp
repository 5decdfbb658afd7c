// FIPS 46-3 DES-OFB (FIPS 81) on OpenSSL 3's legacy provider in a private OSSL_LIB_CTX.
#include "crypto/des.h"

#include <openssl/provider.h>

#include <limits>
#include <string>

#include "crypto/openssl_detail.h"

namespace kb::crypto {

namespace {

// The legacy provider lives in its own library context: loading it into the default context
// would stop OpenSSL from loading the default provider implicitly for everyone else.
const EVP_CIPHER* DesOfbCipher() {
  static const EVP_CIPHER* const kCipher = []() -> const EVP_CIPHER* {
    OSSL_LIB_CTX* ctx = OSSL_LIB_CTX_new();
    if (ctx == nullptr) return nullptr;
    if (OSSL_PROVIDER_load(ctx, "legacy") == nullptr) return nullptr;
    return EVP_CIPHER_fetch(ctx, "DES-OFB", nullptr);
  }();
  return kCipher;
}

}  // namespace

Result<Bytes> DesOfbKeystream(ByteView key8, ByteView iv8, size_t n) {
  if (key8.size() != 8) {
    return Fail(
        Error::InvalidArgument("DES key must be 8 octets, got " + std::to_string(key8.size())));
  }
  if (iv8.size() != 8) {
    return Fail(
        Error::InvalidArgument("DES IV must be 8 octets, got " + std::to_string(iv8.size())));
  }
  if (n > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return Fail(Error::InvalidArgument("DES keystream too long"));
  }
  const EVP_CIPHER* cipher = DesOfbCipher();
  if (cipher == nullptr) {
    return Fail(Error::Unsupported("DES-OFB: the OpenSSL legacy provider is not available"));
  }
  Bytes out(n, 0);
  if (n == 0) return out;
  detail::CipherCtx ctx = detail::NewCipherCtx();
  int len = 0;
  if (EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, key8.data(), iv8.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &len, out.data(), static_cast<int>(n)) != 1 ||
      static_cast<size_t>(len) != n) {
    detail::OpenSslFatal("DES-OFB");
  }
  return out;
}

}  // namespace kb::crypto
