// RFC 3986 URIs and application/x-www-form-urlencoded forms.
#include "net/http_url.h"

#include <fmt/format.h>

#include <charconv>

namespace kb::net {
namespace {

bool Unreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<HttpsUrl> ParseHttpsUrl(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (!url.starts_with(kScheme)) {
    return Fail(Error::Malformed(fmt::format("URL '{}': scheme must be https", url)));
  }
  std::string_view rest = url.substr(kScheme.size());
  size_t slash = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, slash);
  std::string_view tail = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (tail.find('#') != std::string_view::npos) {
    return Fail(Error::Malformed(fmt::format("URL '{}': fragments are not allowed", url)));
  }
  if (authority.find('@') != std::string_view::npos || authority.empty()) {
    return Fail(Error::Malformed(fmt::format("URL '{}': bad authority", url)));
  }
  HttpsUrl out;
  std::string_view port_text;
  if (authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos)
      return Fail(Error::Malformed(fmt::format("URL '{}': bad IPv6 host", url)));
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return Fail(Error::Malformed(fmt::format("URL '{}': bad port", url)));
      port_text = after.substr(1);
    }
  } else {
    size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (out.host.empty()) return Fail(Error::Malformed(fmt::format("URL '{}': empty host", url)));
  if (!port_text.empty() || authority.back() == ':') {
    unsigned port = 0;
    auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || p != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      return Fail(Error::Malformed(fmt::format("URL '{}': bad port", url)));
    }
    out.port = static_cast<uint16_t>(port);
  }
  out.target = tail.empty() ? "/" : std::string(tail);
  if (out.target.front() == '?') out.target = "/" + out.target;
  return out;
}

std::string PercentEncode(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (Unreserved(c)) {
      out += c;
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return out;
}

Result<std::string> PercentDecode(std::string_view text, std::string_view field) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    int hi = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
    int lo = hi >= 0 ? HexValue(text[i + 2]) : -1;
    if (lo < 0)
      return Fail(Error::Malformed(fmt::format("{} at offset {}: bad percent escape", field, i)));
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

Result<std::map<std::string, std::string>> ParseForm(std::string_view text) {
  std::map<std::string, std::string> out;
  size_t pos = 0;
  while (pos <= text.size() && !text.empty()) {
    size_t amp = text.find('&', pos);
    std::string_view pair =
        text.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string name(pair.substr(0, eq));
      std::string value(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
      for (auto* s : {&name, &value}) {
        for (char& c : *s) {
          if (c == '+') c = ' ';
        }
      }
      KB_TRY(std::string n, PercentDecode(name, "form name"));
      KB_TRY(std::string v, PercentDecode(value, "form value"));
      out[std::move(n)] = std::move(v);
    }
    if (amp == std::string_view::npos) break;
    pos = amp + 1;
  }
  return out;
}

}  // namespace kb::net
