// FIPS 180-4 SHA-256 and RFC 2104 HMAC-SHA-256 on OpenSSL 3 (EVP_Digest, EVP_MAC).
#include "crypto/hash.h"

#include <openssl/evp.h>

#include <memory>

#include "crypto/openssl_detail.h"

namespace kb::crypto {

namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

const EVP_MD* Sha256Md() {
  static EVP_MD* const kMd = [] {
    EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (md == nullptr) detail::OpenSslFatal("EVP_MD_fetch(SHA256)");
    return md;
  }();
  return kMd;
}

}  // namespace

Sha256Digest Sha256(ByteView data) { return Sha256({data}); }

Sha256Digest Sha256(std::initializer_list<ByteView> parts) {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), Sha256Md(), nullptr) != 1) {
    detail::OpenSslFatal("SHA-256 init");
  }
  for (ByteView p : parts) {
    if (!p.empty() && EVP_DigestUpdate(ctx.get(), p.data(), p.size()) != 1) {
      detail::OpenSslFatal("SHA-256 update");
    }
  }
  Sha256Digest out{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1 || len != out.size()) {
    detail::OpenSslFatal("SHA-256 final");
  }
  return out;
}

Sha256Digest HmacSha256(ByteView key, ByteView data) { return HmacSha256(key, {data}); }

Sha256Digest HmacSha256(ByteView key, std::initializer_list<ByteView> parts) {
  Sha256Digest out{};
  detail::Hmac("SHA256", key, parts, out);
  return out;
}

}  // namespace kb::crypto
