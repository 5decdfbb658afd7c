// TS 33.180 Annex D: XML reading and writing shared by the KMS documents (namespaces, the
// xsd:sequence order of child elements, leaf values: strings, xs:dateTime, integers, booleans,
// hexBinary and KeyContentType keys).
//
// Input rules (docs/kms-documents.md): an element belongs to the KMS interface when its
// namespace, resolved through its xmlns declarations, is urn:3gpp:ns:mcsecKMSInterface:1.0 or
// when it has no namespace at all; prefixes are free. A child element of any other namespace is
// an extension (xsd:any ##other, e.g. ds:Signature) and is skipped. Children of the interface
// must appear in schema order; unknown ones are rejected. Errors are kMalformed and name the
// element and its offset in the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "core/ntp_time.h"
#include "core/secret.h"

namespace kb::kms::xml {

// Largest document accepted, in octets.
inline constexpr size_t kMaxDocumentBytes = 1 << 20;
// Largest text content of one leaf element, in characters.
inline constexpr size_t kMaxTextChars = 16 * 1024;

inline constexpr const char* kXsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";

// A parsed document. The input is copied into a buffer that pugixml parses in place and that is
// wiped when the document goes away (key sets carry secret keys as text).
class Document {
 public:
  Document() = default;
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  // Parses text: at most kMaxDocumentBytes octets, well-formed XML. No DTD is processed and no
  // entity other than the five predefined ones is expanded.
  Status Load(std::string_view text);
  // The root element, which must belong to the KMS interface (else "wrong namespace").
  Result<pugi::xml_node> Root() const;

 private:
  SecretBytes buffer_;  // declared first: outlives doc_
  pugi::xml_document doc_;
};

// The local part of an element or attribute name ("kms:KmsUri" -> "KmsUri").
std::string_view LocalName(const char* qname);
// The namespace URI of element e; nullopt when its prefix is not declared.
std::optional<std::string_view> NamespaceOf(pugi::xml_node e);
// True when e is in the KMS namespace or in no namespace.
bool IsKmsElement(pugi::xml_node e);
// "<KmsUri> at offset 123", for error messages.
std::string Where(pugi::xml_node e);

// Reads the child elements of one element in schema (xsd:sequence) order.
class Sequence {
 public:
  // Fails when parent has non-blank text between its child elements.
  static Result<Sequence> Open(pugi::xml_node parent);

  // The next element if it is called name, else an empty node (an absent optional element).
  pugi::xml_node Optional(std::string_view name);
  // The next element, which must be called name.
  Result<pugi::xml_node> Required(std::string_view name);
  // All consecutive elements called name; fails when there are more than max.
  Result<std::vector<pugi::xml_node>> Repeated(std::string_view name, size_t max);
  // Succeeds when no interface element is left.
  Status End() const;

  // The name of the next interface element, or "" at the end.
  std::string_view PeekName() const;

 private:
  explicit Sequence(pugi::xml_node parent);
  void SkipForeign();

  pugi::xml_node parent_;
  pugi::xml_node next_;
  std::string last_;  // the last element taken, for messages
};

// Leaf values. Each fails with kMalformed naming the element.
Result<std::string> Text(pugi::xml_node e);  // trimmed; child elements are an error
Result<std::string> NonEmptyText(pugi::xml_node e);
// xs:dateTime; no zone means UTC; times after NTP era 0 (2036-02-07T06:28:15Z) are clamped to it.
Result<NtpTime> DateTime(pugi::xml_node e);
Result<uint64_t> Unsigned(pugi::xml_node e, uint64_t max = UINT64_MAX);
// The same for text that is not an element's (an attribute value); what names it in errors.
Result<uint64_t> ParseUnsigned(std::string_view text, std::string_view what,
                               uint64_t max = UINT64_MAX);
Result<bool> Boolean(pugi::xml_node e);     // true, false, 1, 0
Result<Bytes> HexBinary(pugi::xml_node e);  // non-empty xs:hexBinary
// A key element: xsi:type="KeyContentType" (or no xsi:type) with hex content. Encrypted key
// content (another xsi:type, or child elements) fails with kUnsupported.
Result<SecretBytes> KeyContent(pugi::xml_node e);
// The value of attribute name (any prefix ignored), or nullopt.
std::optional<std::string_view> Attribute(pugi::xml_node e, std::string_view name);

// Output. The root carries the KMS namespace as its default namespace (and xsi when asked);
// children are added in the order the caller adds them.
pugi::xml_node NewRoot(pugi::xml_document& doc, const char* name, bool declare_xsi);
pugi::xml_node AddElement(pugi::xml_node parent, const char* name);
void AddText(pugi::xml_node parent, const char* name, std::string_view text);
void AddDateTime(pugi::xml_node parent, const char* name, NtpTime t);
void AddUnsigned(pugi::xml_node parent, const char* name, uint64_t v);
void AddBoolean(pugi::xml_node parent, const char* name, bool v);
void AddHex(pugi::xml_node parent, const char* name, ByteView v);
// A key element with xsi:type="KeyContentType" (xsi must be declared on the root).
void AddKey(pugi::xml_node parent, const char* name, ByteView key);

// One element as compact XML text (no declaration, no indentation).
std::string SerializeRaw(pugi::xml_node e);
// The document as UTF-8 text with an XML declaration, indented by two spaces.
std::string Serialize(const pugi::xml_document& doc);
// The same into a buffer that wipes itself, for documents carrying keys.
SecretBytes SerializeSecret(const pugi::xml_document& doc);

}  // namespace kb::kms::xml
