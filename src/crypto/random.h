// Cryptographically secure random octets (OpenSSL RAND_bytes, seeded by the OS).
#pragma once

#include <span>

#include "core/bytes.h"
#include "core/secret.h"

namespace kb::crypto {

// Fills out with random octets. Aborts the process if the generator fails: no key may ever be
// made from a failed generator.
void RandomFill(std::span<uint8_t> out);
Bytes RandomBytes(size_t n);
SecretBytes RandomSecret(size_t n);

}  // namespace kb::crypto
