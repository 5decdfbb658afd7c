// NIST SP 800-38B AES-CMAC (RFC 4493) on OpenSSL 3 (EVP_MAC "CMAC").
#include <openssl/core_names.h>
#include <openssl/params.h>

#include <array>

#include "crypto/aes.h"
#include "crypto/openssl_detail.h"

namespace kb::crypto {

Result<Bytes> AesCmac(ByteView key, ByteView data) {
  KB_CHECK(detail::AesCipher(detail::AesMode::kCbc, key.size(), "CMAC key"));
  detail::MacCtx ctx(EVP_MAC_CTX_new(detail::CmacAlgorithm()));
  if (!ctx) detail::OpenSslFatal("EVP_MAC_CTX_new(CMAC)");
  std::array<OSSL_PARAM, 2> params = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER,
                                       const_cast<char*>(detail::AesCbcName(key.size())), 0),
      OSSL_PARAM_construct_end()};
  if (EVP_MAC_init(ctx.get(), key.data(), key.size(), params.data()) != 1) {
    detail::OpenSslFatal("CMAC init");
  }
  if (!data.empty() && EVP_MAC_update(ctx.get(), data.data(), data.size()) != 1) {
    detail::OpenSslFatal("CMAC update");
  }
  Bytes tag(16);
  size_t len = 0;
  if (EVP_MAC_final(ctx.get(), tag.data(), &len, tag.size()) != 1 || len != tag.size()) {
    detail::OpenSslFatal("CMAC final");
  }
  return tag;
}

}  // namespace kb::crypto
