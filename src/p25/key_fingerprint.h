// keybridge operator view (docs/client.md "Key report", docs/kmf.md "Expected keys"): a key's
// fingerprint, for comparing what a radio holds with what the KMF holds without showing a key.
#pragma once

#include <string>

#include "core/secret.h"

namespace kb::p25 {

// The first 8 octets of SHA-256 over the key, in lower-case hex (16 digits). Also printed by
// `keybridge mikey open --no-key` for a root key, `client keys` and `kmf expected`.
std::string KeyFingerprint(const SecretBytes& key);

}  // namespace kb::p25
