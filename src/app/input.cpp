// Command-line input helpers: files, standard input and the text forms of binary messages.
#include "app/input.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "core/encoding.h"

namespace kb::app {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

}  // namespace

Result<std::string> ReadInput(std::string_view path) {
  if (path.empty() || path == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    return ss.str();
  }
  std::ifstream in{std::string(path), std::ios::binary};
  if (!in) return Fail(Error::Io(fmt::format("cannot read {}: {}", path, std::strerror(errno))));
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

Result<Bytes> DecodeMessageText(std::string_view text) {
  std::string_view t = Trim(text);
  for (std::string_view prefix : {"a=key-mgmt:mikey", "key-mgmt:mikey", "mikey"}) {
    if (StartsWith(t, prefix)) {
      t = Trim(t.substr(prefix.size()));
      return FromBase64(t, "MIKEY base64");
    }
  }
  if (StartsWith(t, "0x") || StartsWith(t, "0X")) return FromHex(t.substr(2), "hex input");
  bool hex = !t.empty();
  for (char c : t) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) &&
        !std::isspace(static_cast<unsigned char>(c))) {
      hex = false;
      break;
    }
  }
  if (hex) {
    if (auto h = FromHex(t, "hex input")) return h;
  }
  return FromBase64(t, "base64 input");
}

}  // namespace kb::app
