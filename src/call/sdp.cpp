// RFC 4566 SDP: a bounded parser and printer for the subset used by MC call setup.
#include "call/sdp.h"

#include <charconv>

namespace kb::call {
namespace {

std::optional<std::string> Find(const std::vector<SdpAttribute>& attrs, std::string_view name) {
  for (const auto& a : attrs) {
    if (a.name == name) return a.value.value_or("");
  }
  return std::nullopt;
}

std::vector<std::string> FindAll(const std::vector<SdpAttribute>& attrs, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& a : attrs) {
    if (a.name == name) out.push_back(a.value.value_or(""));
  }
  return out;
}

std::vector<std::string_view> Split(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(' ', i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

template <typename T>
bool ParseNumber(std::string_view s, T& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool Printable(std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

Error LineError(size_t line, char type, std::string what) {
  return Error::Malformed("SDP line " + std::to_string(line) + " (" + std::string(1, type) +
                          "=): " + std::move(what));
}

Result<std::string> ParseConnection(std::string_view v, size_t line) {
  auto f = Split(v);
  if (f.size() != 3) return Fail(LineError(line, 'c', "expected 'IN IP4|IP6 <address>'"));
  if (f[0] != "IN") {
    return Fail(Error::Unsupported("SDP line " + std::to_string(line) +
                                   " (c=): network type other than IN"));
  }
  if (f[1] != "IP4" && f[1] != "IP6") return Fail(LineError(line, 'c', "address type"));
  return std::string(f[2]);
}

Result<SdpAttribute> ParseAttribute(std::string_view v, size_t line) {
  size_t colon = v.find(':');
  SdpAttribute a;
  a.name = std::string(v.substr(0, colon));
  if (a.name.empty()) return Fail(LineError(line, 'a', "empty attribute name"));
  for (char c : a.name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) {
      return Fail(LineError(line, 'a', "attribute name '" + a.name + "' has a bad character"));
    }
  }
  if (colon != std::string_view::npos) a.value = std::string(v.substr(colon + 1));
  return a;
}

Result<MediaDescription> ParseMedia(std::string_view v, size_t line) {
  auto f = Split(v);
  if (f.size() < 4) return Fail(LineError(line, 'm', "expected '<media> <port> <proto> <fmt>...'"));
  MediaDescription m;
  m.media = std::string(f[0]);
  std::string_view port = f[1].substr(0, f[1].find('/'));  // "<port>/<count>" keeps the port
  if (!ParseNumber(port, m.port)) return Fail(LineError(line, 'm', "port is not 0-65535"));
  m.proto = std::string(f[2]);
  for (size_t i = 3; i < f.size(); ++i) m.formats.emplace_back(f[i]);
  return m;
}

}  // namespace

std::optional<std::string> MediaDescription::Attribute(std::string_view name) const {
  return Find(attributes, name);
}
std::vector<std::string> MediaDescription::Attributes(std::string_view name) const {
  return FindAll(attributes, name);
}
std::optional<std::string> SessionDescription::Attribute(std::string_view name) const {
  return Find(attributes, name);
}
std::vector<std::string> SessionDescription::Attributes(std::string_view name) const {
  return FindAll(attributes, name);
}

Result<SessionDescription> SessionDescription::Parse(std::string_view text) {
  if (text.size() > kMaxSdpSize) {
    return Fail(Error::Malformed("SDP: body of " + std::to_string(text.size()) +
                                 " octets exceeds " + std::to_string(kMaxSdpSize)));
  }
  SessionDescription sd;
  bool seen_v = false, seen_o = false, seen_s = false, seen_t = false;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    std::string_view line =
        text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    pos = eol == std::string_view::npos ? text.size() : eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++line_no;
    if (line.empty()) {
      if (pos >= text.size()) break;  // a trailing empty line
      return Fail(Error::Malformed("SDP line " + std::to_string(line_no) + ": empty line"));
    }
    if (line_no > kMaxSdpLines) return Fail(Error::Malformed("SDP: more than 128 lines"));
    if (line.size() > kMaxSdpLineLength) {
      return Fail(Error::Malformed("SDP line " + std::to_string(line_no) + ": longer than " +
                                   std::to_string(kMaxSdpLineLength)));
    }
    if (line.size() < 2 || line[1] != '=' || !(line[0] >= 'a' && line[0] <= 'z')) {
      return Fail(
          Error::Malformed("SDP line " + std::to_string(line_no) + ": not '<type>=<value>'"));
    }
    char type = line[0];
    std::string_view v = line.substr(2);
    if (!Printable(v)) return Fail(LineError(line_no, type, "control character"));
    if (!seen_v && type != 'v') return Fail(LineError(line_no, type, "the first line must be v="));
    MediaDescription* m = sd.media.empty() ? nullptr : &sd.media.back();
    switch (type) {
      case 'v':
        if (seen_v) return Fail(LineError(line_no, 'v', "repeated"));
        if (v != "0") return Fail(Error::Unsupported("SDP: version " + std::string(v)));
        seen_v = true;
        break;
      case 'o': {
        auto f = Split(v);
        if (seen_o || f.size() != 6) return Fail(LineError(line_no, 'o', "expected 6 fields"));
        if (!ParseNumber(f[1], sd.session_id) || !ParseNumber(f[2], sd.session_version)) {
          return Fail(LineError(line_no, 'o', "session id or version is not a number"));
        }
        if (f[3] != "IN") return Fail(LineError(line_no, 'o', "network type"));
        sd.origin_user = std::string(f[0]);
        sd.origin_address = std::string(f[5]);
        seen_o = true;
        break;
      }
      case 's':
        if (seen_s) return Fail(LineError(line_no, 's', "repeated"));
        sd.session_name = std::string(v);
        seen_s = true;
        break;
      case 'c': {
        KB_TRY(auto address, ParseConnection(v, line_no));
        if (m) {
          m->connection_address = std::move(address);
        } else {
          sd.connection_address = std::move(address);
        }
        break;
      }
      case 't':
        seen_t = true;  // times are not used by calls; any t= is accepted
        break;
      case 'a': {
        KB_TRY(auto a, ParseAttribute(v, line_no));
        auto& list = m ? m->attributes : sd.attributes;
        if (list.size() >= kMaxAttributes) {
          return Fail(LineError(line_no, 'a', "more than 32 attributes in one section"));
        }
        list.push_back(std::move(a));
        break;
      }
      case 'm': {
        if (!seen_o || !seen_s || !seen_t) {
          return Fail(LineError(line_no, 'm', "media before o=, s= and t="));
        }
        if (sd.media.size() >= kMaxMedia) return Fail(LineError(line_no, 'm', "more than 8 media"));
        KB_TRY(auto md, ParseMedia(v, line_no));
        sd.media.push_back(std::move(md));
        break;
      }
      case 'i':
      case 'u':
      case 'e':
      case 'p':
      case 'b':
      case 'r':
      case 'z':
      case 'k':
        break;  // known, not used here
      default:
        return Fail(Error::Unsupported("SDP line " + std::to_string(line_no) + ": unknown type " +
                                       std::string(1, type) + "= (RFC 4566 5: refuse the body)"));
    }
  }
  if (!seen_v) return Fail(Error::Malformed("SDP: empty body (no v= line)"));
  if (!seen_o) return Fail(Error::Malformed("SDP: no o= line"));
  if (!seen_s) return Fail(Error::Malformed("SDP: no s= line"));
  if (!seen_t) return Fail(Error::Malformed("SDP: no t= line"));
  for (size_t i = 0; i < sd.media.size(); ++i) {
    if (!sd.media[i].connection_address && !sd.connection_address) {
      return Fail(Error::Malformed("SDP: media " + std::to_string(i + 1) +
                                   " has no c= line and there is none at session level"));
    }
  }
  return sd;
}

namespace {

void PrintAttributes(std::string& out, const std::vector<SdpAttribute>& attrs) {
  for (const auto& a : attrs) {
    out += "a=" + a.name;
    if (a.value) out += ":" + *a.value;
    out += "\r\n";
  }
}

std::string IpVersion(const std::string& address) {
  return address.find(':') != std::string::npos ? "IP6" : "IP4";
}

}  // namespace

std::string SessionDescription::Serialise() const {
  std::string out = "v=0\r\n";
  out += "o=" + origin_user + " " + std::to_string(session_id) + " " +
         std::to_string(session_version) + " IN " + IpVersion(origin_address) + " " +
         origin_address + "\r\n";
  out += "s=" + session_name + "\r\n";
  if (connection_address) {
    out += "c=IN " + IpVersion(*connection_address) + " " + *connection_address + "\r\n";
  }
  out += "t=0 0\r\n";
  PrintAttributes(out, attributes);
  for (const auto& m : media) {
    out += "m=" + m.media + " " + std::to_string(m.port) + " " + m.proto;
    for (const auto& f : m.formats) out += " " + f;
    out += "\r\n";
    if (m.connection_address) {
      out += "c=IN " + IpVersion(*m.connection_address) + " " + *m.connection_address + "\r\n";
    }
    PrintAttributes(out, m.attributes);
  }
  return out;
}

}  // namespace kb::call
