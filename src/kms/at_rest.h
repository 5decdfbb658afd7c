// keybridge KMS storage (docs/kms-documents.md, "At rest"): the 256-bit storage key that seals
// a KMS community's master secrets, and atomic, bounded file writes and reads.
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

}  // namespace kb::kms
