// keybridge KMS storage (docs/kms-documents.md, "At rest"): the 256-bit storage key, atomic
// file writes, and the sealed-secrets file format (AES-256-GCM) that keeps a KMS community's
// master secrets (KSAK, z) encrypted on disk.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <string_view>

#include "core/bytes.h"
#include "core/error.h"
#include "core/secret.h"

namespace kb::kms {

inline constexpr size_t kStorageKeyBytes = 32;
// The storage key as 64 hex digits; when set it takes precedence over any key file.
inline constexpr const char* kStorageKeyEnv = "KEYBRIDGE_KMS_MASTER_KEY";

// The storage key: from $KEYBRIDGE_KMS_MASTER_KEY when set, else from key_file (64 hex digits,
// optional trailing newline). When the file does not exist and create is true, a fresh random
// key is written to it (mode 0600, atomically). A key file that group or others may read or
// write is refused (kUnauthorised).
Result<SecretBytes> LoadStorageKey(const std::filesystem::path& key_file, bool create);

// Writes data to path atomically: a temporary file in the same directory with the given mode,
// fsync, rename over path, fsync of the directory.
Status WriteFileAtomic(const std::filesystem::path& path, ByteView data, mode_t mode);
// Reads a whole file of at most max_bytes octets (kIo, kNotFound, or kMalformed when larger).
Result<Bytes> ReadFileBounded(const std::filesystem::path& path, size_t max_bytes);
Result<SecretBytes> ReadSecretFile(const std::filesystem::path& path, size_t max_bytes);

// The sealed file: magic "KBKMSSEC" (8) || version 0x01 || algorithm 0x01 (AES-256-GCM) ||
// nonce (12) || ciphertext || tag (16). The GCM additional data is the 22-octet header followed
// by aad (the caller binds the public part, e.g. the certificate XML, this way).
Result<Bytes> SealSecrets(const SecretBytes& storage_key, ByteView aad,
                          const SecretBytes& plaintext);
// Fails with kMalformed for a file that is not sealed-secrets, kUnsupported for another version,
// kCryptoFailure when the file or aad was changed or the key is not the one that sealed it.
Result<SecretBytes> OpenSealedSecrets(const SecretBytes& storage_key, ByteView aad,
                                      ByteView sealed);

}  // namespace kb::kms
