// OpenSSL 3 plumbing for the crypto layer: cached fetches, HMAC helper, fatal-error reporting.
#include "crypto/openssl_detail.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/params.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace kb::crypto::detail {

void OpenSslFatal(std::string_view where) {
  std::fprintf(stderr, "keybridge: OpenSSL failed in %.*s (error %lu); aborting\n",
               static_cast<int>(where.size()), where.data(), ERR_peek_last_error());
  std::abort();
}

CipherCtx NewCipherCtx() {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) OpenSslFatal("EVP_CIPHER_CTX_new");
  return ctx;
}

namespace {

const char* AesName(AesMode mode, size_t key_len) {
  static constexpr std::array<std::array<const char*, 3>, 6> kNames = {{
      {"AES-128-ECB", "AES-192-ECB", "AES-256-ECB"},
      {"AES-128-CBC", "AES-192-CBC", "AES-256-CBC"},
      {"AES-128-OFB", "AES-192-OFB", "AES-256-OFB"},
      {"AES-128-GCM", "AES-192-GCM", "AES-256-GCM"},
      {"AES-128-WRAP", "AES-192-WRAP", "AES-256-WRAP"},
      {"AES-128-WRAP-PAD", "AES-192-WRAP-PAD", "AES-256-WRAP-PAD"},
  }};
  return kNames[static_cast<size_t>(mode)][(key_len - 16) / 8];
}

EVP_CIPHER* Fetch(AesMode mode, size_t key_len) {
  EVP_CIPHER* c = EVP_CIPHER_fetch(nullptr, AesName(mode, key_len), nullptr);
  if (c == nullptr) OpenSslFatal(AesName(mode, key_len));
  return c;
}

// One cached fetch per (mode, key length); fetched lazily and kept for the process lifetime.
struct CipherTable {
  std::array<std::array<EVP_CIPHER*, 3>, 6> table{};
  CipherTable() {
    for (size_t m = 0; m < table.size(); ++m) {
      for (size_t k = 0; k < 3; ++k) table[m][k] = Fetch(static_cast<AesMode>(m), 16 + 8 * k);
    }
  }
};

}  // namespace

Result<const EVP_CIPHER*> AesCipher(AesMode mode, size_t key_len, std::string_view what) {
  if (key_len != 16 && key_len != 24 && key_len != 32) {
    return Fail(Error::InvalidArgument(std::string(what) +
                                       ": AES key must be 16, 24 or 32 octets, got " +
                                       std::to_string(key_len)));
  }
  static const CipherTable kTable;
  return kTable.table[static_cast<size_t>(mode)][(key_len - 16) / 8];
}

const char* AesCbcName(size_t key_len) { return AesName(AesMode::kCbc, key_len); }

EVP_MAC* HmacAlgorithm() {
  static EVP_MAC* const kMac = [] {
    EVP_MAC* m = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (m == nullptr) OpenSslFatal("EVP_MAC_fetch(HMAC)");
    return m;
  }();
  return kMac;
}

EVP_MAC* CmacAlgorithm() {
  static EVP_MAC* const kMac = [] {
    EVP_MAC* m = EVP_MAC_fetch(nullptr, "CMAC", nullptr);
    if (m == nullptr) OpenSslFatal("EVP_MAC_fetch(CMAC)");
    return m;
  }();
  return kMac;
}

void Hmac(const char* digest, ByteView key, std::initializer_list<ByteView> parts,
          std::span<uint8_t> out) {
  MacCtx ctx(EVP_MAC_CTX_new(HmacAlgorithm()));
  if (!ctx) OpenSslFatal("EVP_MAC_CTX_new(HMAC)");
  std::array<OSSL_PARAM, 2> params = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
      OSSL_PARAM_construct_end()};
  // HMAC accepts an empty key; OpenSSL wants a non-null pointer to take it as a key at all.
  static constexpr uint8_t kEmpty = 0;
  const uint8_t* key_ptr = key.empty() ? &kEmpty : key.data();
  if (EVP_MAC_init(ctx.get(), key_ptr, key.size(), params.data()) != 1) OpenSslFatal("HMAC init");
  for (ByteView p : parts) {
    if (!p.empty() && EVP_MAC_update(ctx.get(), p.data(), p.size()) != 1) {
      OpenSslFatal("HMAC update");
    }
  }
  size_t len = 0;
  if (EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) != 1 || len != out.size()) {
    OpenSslFatal("HMAC final");
  }
}

}  // namespace kb::crypto::detail
