// TIA-102.AACA 13.3 enhanced key protection: a TEK or KEK wrapped under a KEK/UKEK with RFC 3394
// AES Key Wrap (default IV A6A6A6A6A6A6A6A6); a 32-octet key becomes 40 octets.
#pragma once

#include "core/bytes.h"
#include "core/secret.h"

namespace kb::p25 {

// Wraps key (16 or 32 octets, or any multiple of 8 >= 16) under an AES KEK.
Result<Bytes> WrapKey(const SecretBytes& kek, const SecretBytes& key);
// Unwraps; fails with kCryptoFailure when the integrity check fails (wrong KEK or tampering).
Result<SecretBytes> UnwrapKey(const SecretBytes& kek, ByteView wrapped);

// The length on the wire of a wrapped key of n octets (n + 8).
constexpr size_t WrappedLength(size_t n) { return n + 8; }

}  // namespace kb::p25
