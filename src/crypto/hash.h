// SHA-256 and HMAC-SHA-256 (FIPS 180-4, RFC 2104), on OpenSSL.
#pragma once

#include <array>
#include <initializer_list>

#include "core/bytes.h"

namespace kb::crypto {

using Sha256Digest = std::array<uint8_t, 32>;

Sha256Digest Sha256(ByteView data);
// SHA-256 over the concatenation of parts.
Sha256Digest Sha256(std::initializer_list<ByteView> parts);
Sha256Digest HmacSha256(ByteView key, ByteView data);
Sha256Digest HmacSha256(ByteView key, std::initializer_list<ByteView> parts);

}  // namespace kb::crypto
