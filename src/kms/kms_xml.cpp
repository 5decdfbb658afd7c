// TS 33.180 Annex D: XML reading and writing shared by the KMS documents.
#include "kms/kms_xml.h"

#include <fmt/format.h>

#include <charconv>
#include <cstring>

#include "core/encoding.h"
#include "kms/namespaces.h"

namespace kb::kms::xml {
namespace {

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsXmlSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsXmlSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool IsBlank(std::string_view s) { return Trim(s).empty(); }

Error MalformedIn(pugi::xml_node e, std::string_view why) {
  return Error::Malformed(fmt::format("{}: {}", Where(e), why));
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Hex into a wiping buffer; the error never quotes the content.
Result<SecretBytes> SecretFromHex(pugi::xml_node e, std::string_view text) {
  size_t digits = 0;
  for (char c : text) {
    if (IsXmlSpace(c)) continue;
    if (HexDigit(c) < 0) return Fail(MalformedIn(e, "not hexadecimal"));
    ++digits;
  }
  if (digits == 0) return Fail(MalformedIn(e, "empty"));
  if (digits % 2 != 0) return Fail(MalformedIn(e, "odd number of hex digits"));
  SecretBytes out(digits / 2);
  auto bytes = out.RevealMutable();
  size_t n = 0;
  int high = -1;
  for (char c : text) {
    if (IsXmlSpace(c)) continue;
    int v = HexDigit(c);
    if (high < 0) {
      high = v;
    } else {
      bytes[n++] = static_cast<uint8_t>((high << 4) | v);
      high = -1;
    }
  }
  return out;
}

// Collects pugixml's output.
class StringWriter : public pugi::xml_writer {
 public:
  void write(const void* data, size_t size) override {
    out.append(static_cast<const char*>(data), size);
  }
  std::string out;
};

// Collects pugixml's output in chunks that are wiped, then joins them once.
class SecretWriter : public pugi::xml_writer {
 public:
  void write(const void* data, size_t size) override {
    chunks.emplace_back(ByteView(static_cast<const uint8_t*>(data), size));
  }
  std::vector<SecretBytes> chunks;
};

constexpr unsigned kFormat = pugi::format_indent;
constexpr const char* kIndent = "  ";

}  // namespace

Status Document::Load(std::string_view text) {
  if (text.size() > kMaxDocumentBytes) {
    return Fail(Error::Malformed(fmt::format("XML: document of {} octets exceeds the limit of {}",
                                             text.size(), kMaxDocumentBytes)));
  }
  buffer_ = SecretBytes(AsBytes(text));
  auto bytes = buffer_.RevealMutable();
  pugi::xml_parse_result r = doc_.load_buffer_inplace(bytes.data(), bytes.size(),
                                                      pugi::parse_default, pugi::encoding_utf8);
  if (!r) {
    return Fail(Error::Malformed(
        fmt::format("XML: {} at offset {}", r.description(), static_cast<int64_t>(r.offset))));
  }
  return Ok();
}

Result<pugi::xml_node> Document::Root() const {
  pugi::xml_node root = doc_.document_element();
  if (!root) return Fail(Error::Malformed("XML: no root element"));
  auto ns = NamespaceOf(root);
  if (!ns) {
    return Fail(Error::Malformed(fmt::format("{}: undeclared namespace prefix", Where(root))));
  }
  if (!IsKmsElement(root)) {
    return Fail(Error::Malformed(
        fmt::format("{}: wrong namespace '{}', expected '{}'", Where(root), *ns, kKmsNamespace)));
  }
  return root;
}

std::string_view LocalName(const char* qname) {
  std::string_view name(qname);
  auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

std::optional<std::string_view> NamespaceOf(pugi::xml_node e) {
  std::string_view name(e.name());
  auto colon = name.find(':');
  std::string attr = "xmlns";
  if (colon != std::string_view::npos) {
    std::string_view prefix = name.substr(0, colon);
    if (prefix == "xml") return std::string_view("http://www.w3.org/XML/1998/namespace");
    attr.append(":").append(prefix);
  }
  for (pugi::xml_node n = e; n && n.type() == pugi::node_element; n = n.parent()) {
    if (pugi::xml_attribute a = n.attribute(attr.c_str())) return std::string_view(a.value());
  }
  if (colon != std::string_view::npos) return std::nullopt;
  return std::string_view();
}

bool IsKmsElement(pugi::xml_node e) {
  auto ns = NamespaceOf(e);
  return ns && (ns->empty() || *ns == kKmsNamespace);
}

std::string Where(pugi::xml_node e) {
  return fmt::format("<{}> at offset {}", LocalName(e.name()),
                     static_cast<int64_t>(e.offset_debug()));
}

// --- Sequence ----------------------------------------------------------------------------------

Sequence::Sequence(pugi::xml_node parent) : parent_(parent), next_(parent.first_child()) {
  SkipForeign();
}

Result<Sequence> Sequence::Open(pugi::xml_node parent) {
  for (pugi::xml_node c : parent.children()) {
    if ((c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) && !IsBlank(c.value())) {
      return Fail(MalformedIn(parent, "unexpected text between child elements"));
    }
  }
  return Sequence(parent);
}

void Sequence::SkipForeign() {
  while (next_ && (next_.type() != pugi::node_element || !IsKmsElement(next_))) {
    next_ = next_.next_sibling();
  }
}

std::string_view Sequence::PeekName() const {
  return next_ ? LocalName(next_.name()) : std::string_view();
}

pugi::xml_node Sequence::Optional(std::string_view name) {
  if (!next_ || LocalName(next_.name()) != name) return {};
  pugi::xml_node taken = next_;
  last_ = std::string(name);
  next_ = next_.next_sibling();
  SkipForeign();
  return taken;
}

Result<pugi::xml_node> Sequence::Required(std::string_view name) {
  if (pugi::xml_node e = Optional(name)) return e;
  if (!next_) {
    return Fail(MalformedIn(parent_, fmt::format("missing mandatory element <{}>", name)));
  }
  return Fail(MalformedIn(parent_, fmt::format("expected <{}>, found <{}> at offset {} "
                                               "(missing element or wrong order)",
                                               name, LocalName(next_.name()),
                                               static_cast<int64_t>(next_.offset_debug()))));
}

Result<std::vector<pugi::xml_node>> Sequence::Repeated(std::string_view name, size_t max) {
  std::vector<pugi::xml_node> out;
  while (pugi::xml_node e = Optional(name)) {
    if (out.size() == max) {
      return Fail(MalformedIn(parent_, fmt::format("more than {} <{}> elements", max, name)));
    }
    out.push_back(e);
  }
  return out;
}

Status Sequence::End() const {
  if (!next_) return Ok();
  std::string after = last_.empty() ? std::string("the start") : fmt::format("<{}>", last_);
  return Fail(MalformedIn(
      parent_,
      fmt::format("unexpected element <{}> at offset {} after {} (unknown element or "
                  "wrong order)",
                  LocalName(next_.name()), static_cast<int64_t>(next_.offset_debug()), after)));
}

// --- Leaf values -------------------------------------------------------------------------------

Result<std::string> Text(pugi::xml_node e) {
  std::string out;
  for (pugi::xml_node c : e.children()) {
    if (c.type() == pugi::node_element)
      return Fail(MalformedIn(e, "expected text, found an element"));
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
      std::string_view v(c.value());
      if (out.size() + v.size() > kMaxTextChars) {
        return Fail(MalformedIn(e, fmt::format("text longer than {} characters", kMaxTextChars)));
      }
      out.append(v);
    }
  }
  std::string_view trimmed = Trim(out);
  return std::string(trimmed);
}

Result<std::string> NonEmptyText(pugi::xml_node e) {
  KB_TRY(std::string t, Text(e));
  if (t.empty()) return Fail(MalformedIn(e, "empty"));
  return t;
}

Result<NtpTime> DateTime(pugi::xml_node e) {
  KB_TRY(std::string t, NonEmptyText(e));
  // NtpTime holds NTP era 0 only (up to 2036-02-07T06:28:15Z); a later time (the D.3.4 example
  // has ValidTo in 2100) is clamped to the era's last second.
  auto r = NtpTime::ParseIso8601(t, /*saturate=*/true);
  if (!r) return Fail(std::move(r).error().Within(Where(e)));
  return *r;
}

Result<uint64_t> ParseUnsigned(std::string_view text, std::string_view what, uint64_t max) {
  std::string_view digits = Trim(text);
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
    return Fail(Error::Malformed(
        fmt::format("{}: '{}' is not an unsigned integer", what, text.substr(0, 40))));
  }
  if (v > max) {
    return Fail(Error::Malformed(fmt::format("{}: {} exceeds the maximum {}", what, v, max)));
  }
  return v;
}

Result<uint64_t> Unsigned(pugi::xml_node e, uint64_t max) {
  KB_TRY(std::string t, NonEmptyText(e));
  return ParseUnsigned(t, Where(e), max);
}

Result<bool> Boolean(pugi::xml_node e) {
  auto text = NonEmptyText(e);
  if (!text) return Fail(std::move(text).error());
  const std::string& t = *text;
  if (t == "true" || t == "1") return true;
  if (t == "false" || t == "0") return false;
  return Fail(MalformedIn(e, fmt::format("'{}' is not a boolean", t.substr(0, 40))));
}

Result<Bytes> HexBinary(pugi::xml_node e) {
  KB_TRY(std::string t, NonEmptyText(e));
  for (char c : t) {
    if (!IsXmlSpace(c) && HexDigit(c) < 0) return Fail(MalformedIn(e, "not hexadecimal"));
  }
  auto r = FromHex(t, LocalName(e.name()));
  if (!r) return Fail(std::move(r).error().Within(Where(e)));
  return *r;
}

std::optional<std::string_view> Attribute(pugi::xml_node e, std::string_view name) {
  for (pugi::xml_attribute a : e.attributes()) {
    std::string_view qname(a.name());
    if (qname.starts_with("xmlns")) continue;
    if (LocalName(a.name()) == name) return std::string_view(a.value());
  }
  return std::nullopt;
}

Result<SecretBytes> KeyContent(pugi::xml_node e) {
  // xsi:type, found through the prefix bound to the XSI namespace.
  for (pugi::xml_attribute a : e.attributes()) {
    std::string_view qname(a.name());
    auto colon = qname.find(':');
    if (colon == std::string_view::npos || qname.substr(colon + 1) != "type") continue;
    std::string xmlns = fmt::format("xmlns:{}", qname.substr(0, colon));
    bool is_xsi = false;
    for (pugi::xml_node n = e; n && n.type() == pugi::node_element; n = n.parent()) {
      if (pugi::xml_attribute d = n.attribute(xmlns.c_str())) {
        is_xsi = std::string_view(d.value()) == kXsiNamespace;
        break;
      }
    }
    if (!is_xsi) continue;
    std::string_view type = LocalName(a.value());
    if (type != "KeyContentType") {
      return Fail(Error::Unsupported(
          fmt::format("{}: key content of type '{}' (encrypted under the TrK) is not supported",
                      Where(e), type)));
    }
  }
  for (pugi::xml_node c : e.children()) {
    if (c.type() == pugi::node_element) {
      return Fail(
          Error::Unsupported(fmt::format("{}: encrypted key content is not supported", Where(e))));
    }
  }
  // Gather the text into a wiping buffer (a key is never copied into a plain string).
  size_t total = 0;
  for (pugi::xml_node c : e.children()) total += std::strlen(c.value());
  if (total > kMaxTextChars) {
    return Fail(MalformedIn(e, fmt::format("text longer than {} characters", kMaxTextChars)));
  }
  SecretBytes text(total);
  size_t at = 0;
  for (pugi::xml_node c : e.children()) {
    size_t n = std::strlen(c.value());
    std::memcpy(text.RevealMutable().data() + at, c.value(), n);
    at += n;
  }
  return SecretFromHex(e, AsString(text.Reveal()));
}

// --- Output ------------------------------------------------------------------------------------

pugi::xml_node NewRoot(pugi::xml_document& doc, const char* name, bool declare_xsi) {
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  pugi::xml_node root = doc.append_child(name);
  root.append_attribute("xmlns") = kKmsNamespace;
  if (declare_xsi) root.append_attribute("xmlns:xsi") = kXsiNamespace;
  return root;
}

pugi::xml_node AddElement(pugi::xml_node parent, const char* name) {
  return parent.append_child(name);
}

void AddText(pugi::xml_node parent, const char* name, std::string_view text) {
  pugi::xml_node e = parent.append_child(name);
  e.append_child(pugi::node_pcdata).set_value(std::string(text).c_str());
}

void AddDateTime(pugi::xml_node parent, const char* name, NtpTime t) {
  AddText(parent, name, t.ToIso8601());
}

void AddUnsigned(pugi::xml_node parent, const char* name, uint64_t v) {
  AddText(parent, name, fmt::format("{}", v));
}

void AddBoolean(pugi::xml_node parent, const char* name, bool v) {
  AddText(parent, name, v ? "true" : "false");
}

void AddHex(pugi::xml_node parent, const char* name, ByteView v) {
  AddText(parent, name, ToHex(v));
}

void AddKey(pugi::xml_node parent, const char* name, ByteView key) {
  pugi::xml_node e = parent.append_child(name);
  e.append_attribute("xsi:type") = "KeyContentType";
  // The hex digits go through a wiping buffer; pugixml copies them into its own pages.
  static constexpr char kDigits[] = "0123456789abcdef";
  SecretBytes hex(key.size() * 2 + 1);
  auto out = hex.RevealMutable();
  for (size_t i = 0; i < key.size(); ++i) {
    out[2 * i] = static_cast<uint8_t>(kDigits[key[i] >> 4]);
    out[2 * i + 1] = static_cast<uint8_t>(kDigits[key[i] & 0x0f]);
  }
  out[key.size() * 2] = 0;
  e.append_child(pugi::node_pcdata).set_value(reinterpret_cast<const char*>(out.data()));
}

std::string SerializeRaw(pugi::xml_node e) {
  StringWriter w;
  e.print(w, "", pugi::format_raw, pugi::encoding_utf8);
  return std::move(w.out);
}

std::string Serialize(const pugi::xml_document& doc) {
  StringWriter w;
  doc.save(w, kIndent, kFormat, pugi::encoding_utf8);
  return std::move(w.out);
}

SecretBytes SerializeSecret(const pugi::xml_document& doc) {
  SecretWriter w;
  doc.save(w, kIndent, kFormat, pugi::encoding_utf8);
  size_t total = 0;
  for (const auto& c : w.chunks) total += c.size();
  SecretBytes out(total);
  size_t at = 0;
  for (const auto& c : w.chunks) {
    std::memcpy(out.RevealMutable().data() + at, c.Reveal().data(), c.size());
    at += c.size();
  }
  return out;
}

}  // namespace kb::kms::xml
