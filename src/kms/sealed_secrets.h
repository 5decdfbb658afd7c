// keybridge KMS storage (docs/kms-documents.md, "At rest"): the sealed-secrets file format
// (AES-256-GCM under the storage key) that keeps a KMS community's master secrets (KSAK, z)
// encrypted on disk.
#pragma once

#include "core/bytes.h"
#include "core/error.h"
#include "core/secret.h"

namespace kb::kms {

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
