// Command-line input helpers: read a file or standard input, and recognise the text forms a
// MIKEY message or KMM arrives in (base64, hex, the SDP "a=key-mgmt:mikey <base64>" form).
#pragma once

#include <string>
#include <string_view>

#include "core/bytes.h"

namespace kb::app {

// Reads the whole file, or standard input for "-" or an empty path.
Result<std::string> ReadInput(std::string_view path);

// Turns a message's text form into octets: "a=key-mgmt:mikey B64", "key-mgmt:mikey B64",
// "mikey B64", plain hex (optionally 0x-prefixed), or base64. Surrounding white space ignored.
Result<Bytes> DecodeMessageText(std::string_view text);

}  // namespace kb::app
