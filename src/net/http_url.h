// RFC 3986 URIs and the HTML application/x-www-form-urlencoded form: what the HTTPS adapter and
// its callers need (parse an https URL, percent-encode and -decode a path segment, read a form).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/error.h"

namespace kb::net {

struct HttpsUrl {
  std::string host;  // name or address, without IPv6 brackets
  uint16_t port = 443;
  std::string target;  // path and query, "/" when empty
};

// Parses "https://host[:port][/path][?query]" (host may be "[v6]"). Other schemes, user info
// and fragments are refused (kMalformed).
Result<HttpsUrl> ParseHttpsUrl(std::string_view url);

// Percent-encodes every octet outside the RFC 3986 unreserved set.
std::string PercentEncode(std::string_view text);
// Decodes %XX escapes ('+' stays '+'); a bad escape is kMalformed, naming field and offset.
Result<std::string> PercentDecode(std::string_view text, std::string_view field = "path");

// Parses "a=1&b=2" ('+' is a space); a repeated name keeps its last value.
Result<std::map<std::string, std::string>> ParseForm(std::string_view text);

}  // namespace kb::net
