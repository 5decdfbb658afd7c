// NIST SP 800-38D AES-GCM with the key schedule kept across messages: two OpenSSL contexts
// (seal and open) keyed once; each message only sets the 12-octet IV.
#include "crypto/aes_gcm_key.h"

#include <limits>
#include <string>

#include "crypto/openssl_detail.h"

namespace kb::crypto {

struct AesGcmKey::Contexts {
  detail::CipherCtx seal;
  detail::CipherCtx open;
};

namespace {

constexpr size_t kMaxLen = static_cast<size_t>(std::numeric_limits<int>::max()) - 16;

detail::CipherCtx Keyed(const EVP_CIPHER* cipher, ByteView key, bool encrypt) {
  detail::CipherCtx ctx = detail::NewCipherCtx();
  if (EVP_CipherInit_ex(ctx.get(), cipher, nullptr, nullptr, nullptr, encrypt ? 1 : 0) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, AesGcmKey::kIvSize, nullptr) != 1 ||
      EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, key.data(), nullptr, -1) != 1) {
    detail::OpenSslFatal("GCM key init");
  }
  return ctx;
}

Status CheckArgs(ByteView iv, ByteView aad, size_t data_len) {
  if (iv.size() != AesGcmKey::kIvSize) {
    return Fail(
        Error::InvalidArgument("GCM IV must be 12 octets, got " + std::to_string(iv.size())));
  }
  if (aad.size() > kMaxLen || data_len > kMaxLen) {
    return Fail(Error::InvalidArgument("GCM input too long"));
  }
  return Ok();
}

void Start(EVP_CIPHER_CTX* ctx, ByteView iv, ByteView aad) {
  if (EVP_CipherInit_ex(ctx, nullptr, nullptr, nullptr, iv.data(), -1) != 1) {
    detail::OpenSslFatal("GCM IV");
  }
  int len = 0;
  if (!aad.empty() &&
      EVP_CipherUpdate(ctx, nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1) {
    detail::OpenSslFatal("GCM AAD");
  }
}

}  // namespace

AesGcmKey::AesGcmKey(std::unique_ptr<Contexts> c) : c_(std::move(c)) {}
AesGcmKey::AesGcmKey(AesGcmKey&&) noexcept = default;
AesGcmKey& AesGcmKey::operator=(AesGcmKey&&) noexcept = default;
AesGcmKey::~AesGcmKey() = default;

Result<AesGcmKey> AesGcmKey::Create(ByteView key) {
  KB_TRY(const EVP_CIPHER* cipher, detail::AesCipher(detail::AesMode::kGcm, key.size(), "GCM key"));
  auto c = std::make_unique<Contexts>();
  c->seal = Keyed(cipher, key, true);
  c->open = Keyed(cipher, key, false);
  return AesGcmKey(std::move(c));
}

Status AesGcmKey::Seal(ByteView iv, ByteView aad, ByteView plaintext,
                       std::span<uint8_t> out) const {
  KB_CHECK(CheckArgs(iv, aad, plaintext.size()));
  if (out.size() != plaintext.size() + kTagSize) {
    return Fail(Error::InvalidArgument("GCM seal output must be plaintext + 16 octets"));
  }
  EVP_CIPHER_CTX* ctx = c_->seal.get();
  Start(ctx, iv, aad);
  int len = 0;
  if (!plaintext.empty() && EVP_EncryptUpdate(ctx, out.data(), &len, plaintext.data(),
                                              static_cast<int>(plaintext.size())) != 1) {
    detail::OpenSslFatal("GCM encrypt");
  }
  int fin = 0;
  if (EVP_EncryptFinal_ex(ctx, out.data() + len, &fin) != 1 ||
      static_cast<size_t>(len + fin) != plaintext.size()) {
    detail::OpenSslFatal("GCM final");
  }
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kTagSize, out.data() + plaintext.size()) !=
      1) {
    detail::OpenSslFatal("GCM tag");
  }
  return Ok();
}

Status AesGcmKey::Open(ByteView iv, ByteView aad, ByteView sealed, std::span<uint8_t> out) const {
  KB_CHECK(CheckArgs(iv, aad, sealed.size()));
  if (sealed.size() < kTagSize) {
    return Fail(Error::Truncated("GCM sealed data shorter than the 16-octet tag"));
  }
  if (out.size() != sealed.size() - kTagSize) {
    return Fail(Error::InvalidArgument("GCM open output must be sealed - 16 octets"));
  }
  ByteView ct = sealed.first(sealed.size() - kTagSize);
  ByteView tag = sealed.last(kTagSize);
  EVP_CIPHER_CTX* ctx = c_->open.get();
  Start(ctx, iv, aad);
  int len = 0;
  if (!ct.empty() &&
      EVP_DecryptUpdate(ctx, out.data(), &len, ct.data(), static_cast<int>(ct.size())) != 1) {
    detail::OpenSslFatal("GCM decrypt");
  }
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, kTagSize, const_cast<uint8_t*>(tag.data())) !=
      1) {
    detail::OpenSslFatal("GCM set tag");
  }
  int fin = 0;
  uint8_t none = 0;
  uint8_t* tail = ct.empty() ? &none : out.data() + len;
  if (EVP_DecryptFinal_ex(ctx, tail, &fin) != 1) {
    SecureWipe(out.data(), out.size());
    return Fail(Error::CryptoFailure("GCM tag does not verify"));
  }
  return Ok();
}

}  // namespace kb::crypto
