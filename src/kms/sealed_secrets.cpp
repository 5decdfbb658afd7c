// keybridge KMS storage: the sealed-secrets file format (AES-256-GCM under the storage key).
#include "kms/sealed_secrets.h"

#include <fmt/format.h>

#include <string_view>

#include "crypto/aes.h"
#include "crypto/random.h"
#include "kms/at_rest.h"

namespace kb::kms {
namespace {

constexpr std::string_view kMagic = "KBKMSSEC";
constexpr uint8_t kVersion = 1;
constexpr uint8_t kAlgorithmAes256Gcm = 1;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
constexpr size_t kHeaderBytes = 8 + 1 + 1 + kNonceBytes;

}  // namespace

Result<Bytes> SealSecrets(const SecretBytes& storage_key, ByteView aad,
                          const SecretBytes& plaintext) {
  if (storage_key.size() != kStorageKeyBytes) {
    return Fail(Error::InvalidArgument("storage key: expected 32 octets"));
  }
  ByteWriter header(kHeaderBytes);
  header.Append(kMagic).U8(kVersion).U8(kAlgorithmAes256Gcm);
  header.Append(crypto::RandomBytes(kNonceBytes));
  Bytes full_aad = header.bytes();
  full_aad.insert(full_aad.end(), aad.begin(), aad.end());
  ByteView nonce = header.view().subspan(kHeaderBytes - kNonceBytes);
  KB_TRY(Bytes sealed,
         crypto::AesGcmSeal(storage_key.Reveal(), nonce, full_aad, plaintext.Reveal(), kTagBytes));
  Bytes out = std::move(header).Take();
  out.insert(out.end(), sealed.begin(), sealed.end());
  return out;
}

Result<SecretBytes> OpenSealedSecrets(const SecretBytes& storage_key, ByteView aad,
                                      ByteView sealed) {
  if (storage_key.size() != kStorageKeyBytes) {
    return Fail(Error::InvalidArgument("storage key: expected 32 octets"));
  }
  ByteReader r(sealed);
  KB_TRY(ByteView magic, r.Take(kMagic.size(), "sealed secrets magic"));
  if (AsString(magic) != kMagic) {
    return Fail(Error::Malformed("sealed secrets: not a keybridge sealed-secrets file"));
  }
  KB_TRY(uint8_t version, r.U8("sealed secrets version"));
  if (version != kVersion) {
    return Fail(Error::Unsupported(fmt::format("sealed secrets: version {}", version)));
  }
  KB_TRY(uint8_t alg, r.U8("sealed secrets algorithm"));
  if (alg != kAlgorithmAes256Gcm) {
    return Fail(Error::Unsupported(fmt::format("sealed secrets: algorithm {}", alg)));
  }
  KB_TRY(ByteView nonce, r.Take(kNonceBytes, "sealed secrets nonce"));
  if (r.remaining() < kTagBytes) {
    return Fail(r.MalformedAt("sealed secrets ciphertext", "shorter than the GCM tag"));
  }
  Bytes full_aad(r.Consumed().begin(), r.Consumed().end());
  full_aad.insert(full_aad.end(), aad.begin(), aad.end());
  auto opened = crypto::AesGcmOpen(storage_key.Reveal(), nonce, full_aad, r.Rest(), kTagBytes);
  if (!opened) {
    return Fail(Error::CryptoFailure(
        "sealed secrets: authentication failed (file changed, certificate changed, or another "
        "storage key)"));
  }
  return std::move(*opened);
}

}  // namespace kb::kms
