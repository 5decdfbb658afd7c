// Hex and base64 (RFC 4648) text encodings of byte strings.
#pragma once

#include <string>
#include <string_view>

#include "core/bytes.h"

namespace kb {

// Lowercase hex, two digits per octet.
std::string ToHex(ByteView bytes);
// Accepts upper or lower case; ignores ASCII white space and ':' separators.
Result<Bytes> FromHex(std::string_view text, std::string_view field = "hex");

// Standard alphabet with padding.
std::string ToBase64(ByteView bytes);
// Accepts the standard and URL-safe alphabets, with or without padding; ignores white space.
Result<Bytes> FromBase64(std::string_view text, std::string_view field = "base64");
// URL-safe alphabet without padding (RFC 4648 section 5), as JWTs use.
std::string ToBase64Url(ByteView bytes);

}  // namespace kb
