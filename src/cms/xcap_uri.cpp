// RFC 4825 6: XCAP document and node selectors for the TS 24.484 user profile.
#include "cms/xcap_uri.h"

#include <fmt/format.h>

#include <charconv>

#include "cms/xml_names.h"

namespace kb::cms {

namespace {

bool KeptInSegment(unsigned char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '-':
    case '.':
    case '_':
    case '~':  // unreserved
    case '!':
    case '$':
    case '&':
    case '\'':
    case '(':
    case ')':  // sub-delims
    case '*':
    case '+':
    case ',':
    case ';':
    case '=':
    case ':':
    case '@':
      return true;
    default:
      return false;
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsNameChar(char c, bool first) {
  auto u = static_cast<unsigned char>(c);
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || u >= 0x80) return true;
  return !first && ((c >= '0' && c <= '9') || c == '-' || c == '.');
}

Status CheckNcName(std::string_view name, std::string_view what) {
  if (name.empty() || !IsNameChar(name[0], true)) {
    return Fail(Error::Malformed(fmt::format("node selector: {} '{}' is not a name", what, name)));
  }
  for (char c : name) {
    if (!IsNameChar(c, false)) {
      return Fail(
          Error::Malformed(fmt::format("node selector: {} '{}' is not a name", what, name)));
    }
  }
  return Ok();
}

// Splits the selector at '/' outside quotes.
Result<std::vector<std::string_view>> SplitSteps(std::string_view s) {
  std::vector<std::string_view> out;
  char quote = 0;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '/') {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  if (quote) return Fail(Error::Malformed("node selector: unterminated quote"));
  out.push_back(s.substr(start));
  return out;
}

Result<NodeStep> ParseStep(std::string_view s) {
  NodeStep step;
  if (s.empty()) return Fail(Error::Malformed("node selector: empty step"));
  if (s[0] == '@') {
    return Fail(Error::Unsupported("node selector: attribute selectors are not supported"));
  }
  if (s.starts_with("namespace::")) {
    return Fail(Error::Unsupported("node selector: namespace selectors are not supported"));
  }
  size_t bracket = s.find('[');
  std::string_view name = s.substr(0, bracket);
  if (name == "*") {
    step.local = "*";
  } else {
    size_t colon = name.find(':');
    if (colon != std::string_view::npos) {
      step.prefix = std::string(name.substr(0, colon));
      KB_CHECK(CheckNcName(step.prefix, "prefix"));
      name = name.substr(colon + 1);
    }
    KB_CHECK(CheckNcName(name, "element name"));
    step.local = std::string(name);
  }
  if (bracket == std::string_view::npos) return step;
  std::string_view pred = s.substr(bracket);
  if (pred.size() < 3 || pred.back() != ']') {
    return Fail(Error::Malformed(fmt::format("node selector: bad predicate in '{}'", s)));
  }
  pred = pred.substr(1, pred.size() - 2);
  if (pred[0] == '@') {
    size_t eq = pred.find('=');
    if (eq == std::string_view::npos) {
      return Fail(Error::Malformed(fmt::format("node selector: '{}' lacks '='", s)));
    }
    std::string_view attr = pred.substr(1, eq - 1);
    KB_CHECK(CheckNcName(LocalName(attr), "attribute name"));
    std::string_view value = pred.substr(eq + 1);
    if (value.size() < 2 || (value[0] != '"' && value[0] != '\'') || value.back() != value[0] ||
        value.substr(1, value.size() - 2).find(value[0]) != std::string_view::npos) {
      return Fail(Error::Malformed(fmt::format("node selector: '{}' value is not quoted", s)));
    }
    step.attribute = std::string(attr);
    step.attribute_value = std::string(value.substr(1, value.size() - 2));
    return step;
  }
  uint32_t pos = 0;
  auto [end, ec] = std::from_chars(pred.data(), pred.data() + pred.size(), pos, 10);
  if (ec != std::errc() || end != pred.data() + pred.size() || pos == 0) {
    return Fail(Error::Malformed(fmt::format("node selector: bad position in '{}'", s)));
  }
  step.position = pos;
  return step;
}

// xmlns(p=uri)xmlns(q=uri2) (RFC 4825 6.4).
Status ParseXmlnsQuery(std::string_view q, std::map<std::string, std::string>& out) {
  while (!q.empty()) {
    if (!q.starts_with("xmlns(")) {
      return Fail(Error::Malformed("XCAP URI query: only xmlns(prefix=namespace) is allowed"));
    }
    q.remove_prefix(6);
    size_t close = q.find(')');
    size_t eq = q.find('=');
    if (close == std::string_view::npos || eq == std::string_view::npos || eq > close) {
      return Fail(Error::Malformed("XCAP URI query: bad xmlns() binding"));
    }
    std::string prefix(q.substr(0, eq));
    KB_CHECK(CheckNcName(prefix, "xmlns prefix"));
    out[prefix] = std::string(q.substr(eq + 1, close - eq - 1));
    q.remove_prefix(close + 1);
  }
  return Ok();
}

}  // namespace

std::string PercentEncodeSegment(std::string_view s) {
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (KeptInSegment(c)) {
      out.push_back(ch);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

Result<std::string> PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) {
      return Fail(Error::Malformed(fmt::format("percent-encoding at {}: truncated escape", i)));
    }
    int hi = HexValue(s[i + 1]);
    int lo = HexValue(s[i + 2]);
    if (hi < 0 || lo < 0) {
      return Fail(Error::Malformed(fmt::format("percent-encoding at {}: bad escape", i)));
    }
    char c = static_cast<char>(hi * 16 + lo);
    if (c == '\0') return Fail(Error::Malformed(fmt::format("percent-encoding at {}: %00", i)));
    out.push_back(c);
    i += 2;
  }
  return out;
}

std::string UserProfileDocumentSelector(std::string_view mc_id, uint32_t index) {
  return fmt::format("{}/users/{}/user-profile-{}.xml", kUserProfileAuid,
                     PercentEncodeSegment(mc_id), index);
}

std::string XcapUri::DocumentSelector() const {
  return fmt::format("{}/users/{}/{}", auid, PercentEncodeSegment(xui), document);
}

Result<NodeSelector> ParseNodeSelector(std::string_view selector) {
  NodeSelector out;
  if (selector.empty()) return Fail(Error::Malformed("node selector: empty"));
  if (selector.size() > 1024) return Fail(Error::Malformed("node selector: over 1024 octets"));
  KB_TRY(auto parts, SplitSteps(selector));
  for (std::string_view p : parts) {
    KB_TRY(NodeStep step, ParseStep(p));
    out.steps.push_back(std::move(step));
  }
  return out;
}

std::string FormatNodeSelector(const NodeSelector& s) {
  std::string out;
  for (const NodeStep& step : s.steps) {
    if (!out.empty()) out.push_back('/');
    if (!step.prefix.empty()) out += step.prefix + ":";
    out += step.local;
    if (step.position) out += fmt::format("[{}]", *step.position);
    if (step.attribute) out += fmt::format("[@{}=\"{}\"]", *step.attribute, step.attribute_value);
  }
  return out;
}

Result<XcapUri> ParseXcapUri(std::string_view path_and_query) {
  if (path_and_query.size() > 4096) return Fail(Error::Malformed("XCAP URI: over 4096 octets"));
  std::string_view path = path_and_query;
  std::string_view query;
  if (size_t q = path.find('?'); q != std::string_view::npos) {
    query = path.substr(q + 1);
    path = path.substr(0, q);
  }
  while (path.starts_with('/')) path.remove_prefix(1);
  std::string_view node_part;
  bool has_node = false;
  if (size_t sep = path.find("/~~/"); sep != std::string_view::npos) {
    node_part = path.substr(sep + 4);
    path = path.substr(0, sep);
    has_node = true;
  }
  // auid / users / xui / document
  std::vector<std::string_view> seg;
  for (size_t start = 0;;) {
    size_t slash = path.find('/', start);
    seg.push_back(path.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (seg.size() != 4) {
    return Fail(Error::Malformed(
        "XCAP URI: expected <auid>/users/<XUI>/<document> (the global tree is not served)"));
  }
  XcapUri u;
  KB_TRY(u.auid, PercentDecode(seg[0]));
  if (u.auid != kUserProfileAuid) {
    return Fail(Error::NotFound(fmt::format("XCAP URI: unknown AUID '{}'", u.auid)));
  }
  if (seg[1] != "users") return Fail(Error::Malformed("XCAP URI: only the users tree is served"));
  KB_TRY(u.xui, PercentDecode(seg[2]));
  if (u.xui.empty()) return Fail(Error::Malformed("XCAP URI: empty XUI"));
  KB_TRY(u.document, PercentDecode(seg[3]));
  std::string_view doc = u.document;
  constexpr std::string_view kPrefix = "user-profile-";
  constexpr std::string_view kSuffix = ".xml";
  if (!doc.starts_with(kPrefix) || !doc.ends_with(kSuffix) ||
      doc.size() <= kPrefix.size() + kSuffix.size()) {
    return Fail(Error::NotFound(
        fmt::format("XCAP URI: document '{}' is not user-profile-<index>.xml", u.document)));
  }
  std::string_view num = doc.substr(kPrefix.size(), doc.size() - kPrefix.size() - kSuffix.size());
  auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), u.profile_index, 10);
  if (ec != std::errc() || end != num.data() + num.size() || (num.size() > 1 && num[0] == '0')) {
    return Fail(Error::NotFound(fmt::format("XCAP URI: bad profile index '{}'", num)));
  }
  if (has_node) {
    KB_TRY(std::string decoded, PercentDecode(node_part));
    KB_TRY(NodeSelector ns, ParseNodeSelector(decoded));
    KB_CHECK(ParseXmlnsQuery(query, ns.namespaces));
    u.node = std::move(ns);
  } else if (!query.empty()) {
    return Fail(Error::Malformed("XCAP URI: a query without a node selector"));
  }
  return u;
}

}  // namespace kb::cms
