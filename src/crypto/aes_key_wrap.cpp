// RFC 3394 AES Key Wrap and RFC 5649 AES Key Wrap with Padding on OpenSSL 3 (EVP_aes_*_wrap).
#include <limits>
#include <string>

#include "crypto/aes.h"
#include "crypto/openssl_detail.h"

namespace kb::crypto {

namespace {

using detail::AesMode;

constexpr size_t kSemiblock = 8;

// Runs one wrap or unwrap through the EVP wrap cipher. out_cap is the output buffer size; the
// result holds exactly the octets OpenSSL produced. Unwrap failures are integrity failures.
Result<size_t> RunWrap(AesMode mode, bool encrypt, ByteView kek, const uint8_t* iv, ByteView in,
                       std::span<uint8_t> out) {
  KB_TRY(const EVP_CIPHER* cipher, detail::AesCipher(mode, kek.size(), "KEK"));
  if (in.size() > static_cast<size_t>(std::numeric_limits<int>::max() - 16)) {
    return Fail(Error::InvalidArgument("key wrap input too long"));
  }
  detail::CipherCtx ctx = detail::NewCipherCtx();
  EVP_CIPHER_CTX_set_flags(ctx.get(), EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
  if (EVP_CipherInit_ex(ctx.get(), cipher, nullptr, kek.data(), iv, encrypt ? 1 : 0) != 1) {
    detail::OpenSslFatal("key wrap init");
  }
  int len = 0;
  if (EVP_CipherUpdate(ctx.get(), out.data(), &len, in.data(), static_cast<int>(in.size())) != 1 ||
      len < 0) {
    if (!encrypt) return Fail(Error::CryptoFailure("key unwrap: integrity check failed"));
    detail::OpenSslFatal("key wrap");
  }
  int fin = 0;
  if (EVP_CipherFinal_ex(ctx.get(), out.data() + len, &fin) != 1) {
    if (!encrypt) return Fail(Error::CryptoFailure("key unwrap: integrity check failed"));
    detail::OpenSslFatal("key wrap final");
  }
  return static_cast<size_t>(len + fin);
}

Status CheckWrapPlaintext(ByteView plaintext) {
  if (plaintext.size() < 2 * kSemiblock || plaintext.size() % kSemiblock != 0) {
    return Fail(Error::InvalidArgument(
        "key wrap plaintext must be a multiple of 8 octets and at least 16, got " +
        std::to_string(plaintext.size())));
  }
  return Ok();
}

Result<Bytes> Wrap(ByteView kek, const uint8_t* iv, ByteView plaintext) {
  KB_CHECK(CheckWrapPlaintext(plaintext));
  Bytes out(plaintext.size() + kSemiblock);
  KB_TRY(size_t n, RunWrap(AesMode::kWrap, true, kek, iv, plaintext, out));
  if (n != out.size()) return Fail(Error::Internal("key wrap: unexpected output length"));
  return out;
}

}  // namespace

Result<Bytes> AesKeyWrap(ByteView kek, ByteView plaintext) { return Wrap(kek, nullptr, plaintext); }

Result<Bytes> AesKeyWrapWithIv(ByteView kek, ByteView iv8, ByteView plaintext) {
  if (iv8.size() != kSemiblock) {
    return Fail(
        Error::InvalidArgument("key wrap IV must be 8 octets, got " + std::to_string(iv8.size())));
  }
  return Wrap(kek, iv8.data(), plaintext);
}

Result<SecretBytes> AesKeyUnwrap(ByteView kek, ByteView wrapped) {
  if (wrapped.size() < 3 * kSemiblock || wrapped.size() % kSemiblock != 0) {
    return Fail(
        Error::Malformed("wrapped key must be a multiple of 8 octets and at least 24, got " +
                         std::to_string(wrapped.size())));
  }
  SecretBytes out(wrapped.size());  // OpenSSL may use the whole input length as scratch
  KB_TRY(size_t n, RunWrap(AesMode::kWrap, false, kek, nullptr, wrapped, out.RevealMutable()));
  if (n != wrapped.size() - kSemiblock) {
    return Fail(Error::CryptoFailure("key unwrap: integrity check failed"));
  }
  return SecretBytes(out.Reveal().first(n));
}

Result<Bytes> AesKeyWrapPad(ByteView kek, ByteView plaintext) {
  if (plaintext.empty()) return Fail(Error::InvalidArgument("key wrap plaintext is empty"));
  size_t padded = (plaintext.size() + kSemiblock - 1) / kSemiblock * kSemiblock;
  Bytes out(padded + kSemiblock);
  KB_TRY(size_t n, RunWrap(AesMode::kWrapPad, true, kek, nullptr, plaintext, out));
  if (n != out.size()) return Fail(Error::Internal("key wrap: unexpected output length"));
  return out;
}

Result<SecretBytes> AesKeyUnwrapPad(ByteView kek, ByteView wrapped) {
  if (wrapped.size() < 2 * kSemiblock || wrapped.size() % kSemiblock != 0) {
    return Fail(
        Error::Malformed("wrapped key must be a multiple of 8 octets and at least 16, got " +
                         std::to_string(wrapped.size())));
  }
  SecretBytes out(wrapped.size());
  KB_TRY(size_t n, RunWrap(AesMode::kWrapPad, false, kek, nullptr, wrapped, out.RevealMutable()));
  if (n == 0 || n > wrapped.size() - kSemiblock) {
    return Fail(Error::CryptoFailure("key unwrap: integrity check failed"));
  }
  return SecretBytes(out.Reveal().first(n));
}

}  // namespace kb::crypto
