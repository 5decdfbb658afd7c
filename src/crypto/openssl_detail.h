// OpenSSL 3 plumbing shared by the crypto layer: owned handles, cached algorithm fetches and the
// AES key-length check. Internal to src/crypto; no other layer includes this header.
#pragma once

#include <openssl/evp.h>

#include <initializer_list>
#include <memory>
#include <span>
#include <string_view>

#include "core/bytes.h"
#include "core/error.h"

namespace kb::crypto::detail {

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

struct MacCtxFree {
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};
using MacCtx = std::unique_ptr<EVP_MAC_CTX, MacCtxFree>;

// A new cipher context; aborts if OpenSSL cannot allocate one.
CipherCtx NewCipherCtx();

// The AES mode families the layer uses.
enum class AesMode { kEcb, kCbc, kOfb, kGcm, kWrap, kWrapPad };

// The fetched AES cipher for a mode and key length (16, 24 or 32), cached for the process.
// Fails with kInvalidArgument for any other key length; `what` names the key in the message.
Result<const EVP_CIPHER*> AesCipher(AesMode mode, size_t key_len, std::string_view what);

// The OpenSSL name of CBC AES for a key length ("AES-256-CBC"), for CMAC.
const char* AesCbcName(size_t key_len);

// The fetched HMAC and CMAC implementations, cached for the process.
EVP_MAC* HmacAlgorithm();
EVP_MAC* CmacAlgorithm();

// Reports an OpenSSL failure that cannot happen with valid arguments (allocation, provider
// loss) and aborts: such a failure is a broken environment, not an input error.
[[noreturn]] void OpenSslFatal(std::string_view where);

// HMAC with the named digest ("SHA256", "SHA1") over the concatenated parts; out must be the
// digest's size.
void Hmac(const char* digest, ByteView key, std::initializer_list<ByteView> parts,
          std::span<uint8_t> out);

}  // namespace kb::crypto::detail
