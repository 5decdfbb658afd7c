// RFC 4825 7, 8: XCAP element operations over pugixml, and ETags.
#include "cms/xcap_document.h"

#include <fmt/format.h>

#include <pugixml.hpp>
#include <sstream>
#include <vector>

#include "cms/xml_names.h"
#include "core/encoding.h"
#include "crypto/hash.h"

namespace kb::cms {

namespace {

inline constexpr size_t kMaxDocumentBytes = 256 * 1024;

Result<pugi::xml_document> Load(std::string_view xml, std::string_view what) {
  if (xml.size() > kMaxDocumentBytes) {
    return Fail(Error::Malformed(fmt::format("{}: over {} octets", what, kMaxDocumentBytes)));
  }
  pugi::xml_document doc;
  auto r = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default & ~pugi::parse_doctype,
                           pugi::encoding_utf8);
  if (!r) {
    return Fail(Error::Malformed(
        fmt::format("{}: XML error at offset {}: {}", what, r.offset, r.description())));
  }
  if (!doc.document_element()) return Fail(Error::Malformed(fmt::format("{}: no element", what)));
  return doc;
}

std::string Save(const pugi::xml_node& node, unsigned flags) {
  std::ostringstream out;
  node.print(out, "  ", flags, pugi::encoding_utf8);
  return out.str();
}

std::string SaveDocument(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default | pugi::format_no_empty_element_tags,
           pugi::encoding_utf8);
  return out.str();
}

struct Resolved {
  std::string ns;
  std::string local;  // "*" for any
};

Result<Resolved> Resolve(const NodeStep& step, const NodeSelector& sel, std::string_view def) {
  Resolved r{std::string(def), step.local};
  if (!step.prefix.empty()) {
    auto it = sel.namespaces.find(step.prefix);
    if (it == sel.namespaces.end()) {
      return Fail(Error::Malformed(
          fmt::format("node selector: prefix '{}' has no xmlns() binding", step.prefix)));
    }
    r.ns = it->second;
  }
  return r;
}

bool NameTest(pugi::xml_node e, const Resolved& r) {
  if (e.type() != pugi::node_element) return false;
  if (r.local == "*") return true;
  return IsElement(e, r.ns, r.local);
}

bool Predicate(pugi::xml_node e, const NodeStep& step) {
  if (!step.attribute) return true;
  // Unprefixed attributes have no namespace; prefixed ones are compared by qualified name.
  pugi::xml_attribute a = e.attribute(step.attribute->c_str());
  return a && step.attribute_value == a.value();
}

// The elements one step selects under parent.
Result<std::vector<pugi::xml_node>> Step(pugi::xml_node parent, const NodeStep& step,
                                         const NodeSelector& sel, std::string_view def) {
  KB_TRY(Resolved r, Resolve(step, sel, def));
  std::vector<pugi::xml_node> out;
  uint32_t n = 0;
  for (pugi::xml_node c : parent.children()) {
    if (!NameTest(c, r)) continue;
    ++n;
    if (step.position && n != *step.position) continue;
    if (!Predicate(c, step)) continue;
    out.push_back(c);
  }
  return out;
}

// Follows all steps; at each step there must be exactly one element.
Result<pugi::xml_node> Select(pugi::xml_node doc, const NodeSelector& sel, std::string_view def,
                              size_t steps) {
  pugi::xml_node cur = doc;
  for (size_t i = 0; i < steps; ++i) {
    KB_TRY(auto found, Step(cur, sel.steps[i], sel, def));
    if (found.size() != 1) {
      return Fail(Error::NotFound(fmt::format("node selector step {} ('{}'): {} elements match",
                                              i + 1, sel.steps[i].local, found.size())));
    }
    cur = found.front();
  }
  return cur;
}

// Copies the namespace declarations in scope at e (from its ancestors) onto copy, unless the
// element declares the prefix itself.
void CopyInScopeNamespaces(pugi::xml_node e, pugi::xml_node copy) {
  for (pugi::xml_node n = e.parent(); n && n.type() == pugi::node_element; n = n.parent()) {
    for (pugi::xml_attribute a : n.attributes()) {
      std::string_view name = a.name();
      if (name != "xmlns" && !name.starts_with("xmlns:")) continue;
      if (!copy.attribute(a.name())) copy.append_attribute(a.name()) = a.value();
    }
  }
}

}  // namespace

std::string ComputeEtag(std::string_view document) {
  auto digest = crypto::Sha256(AsBytes(document));
  return "\"" + ToHex(ByteView(digest).first(16)) + "\"";
}

Result<std::string> GetElement(std::string_view document, const NodeSelector& selector,
                               std::string_view default_ns) {
  KB_TRY(pugi::xml_document doc, Load(document, "document"));
  KB_TRY(pugi::xml_node e, Select(doc, selector, default_ns, selector.steps.size()));
  pugi::xml_document out;
  pugi::xml_node copy = out.append_copy(e);
  CopyInScopeNamespaces(e, copy);
  return Save(copy, pugi::format_default | pugi::format_no_empty_element_tags);
}

Result<std::string> PutElement(std::string_view document, const NodeSelector& selector,
                               std::string_view default_ns, std::string_view element_xml) {
  if (selector.steps.empty()) return Fail(Error::Malformed("node selector: no step"));
  KB_TRY(pugi::xml_document doc, Load(document, "document"));
  KB_TRY(pugi::xml_document frag, Load(element_xml, "element"));
  size_t elements = 0;
  for (pugi::xml_node c : frag.children()) elements += c.type() == pugi::node_element;
  if (elements != 1) return Fail(Error::Malformed("element: the body must be one element"));
  if (selector.steps.size() == 1) {
    return Fail(Error::Conflict("PUT of the root element: replace the whole document instead"));
  }
  KB_TRY(pugi::xml_node parent, Select(doc, selector, default_ns, selector.steps.size() - 1));
  const NodeStep& last = selector.steps.back();
  KB_TRY(auto existing, Step(parent, last, selector, default_ns));
  if (existing.size() > 1) {
    return Fail(Error::NotFound(
        fmt::format("node selector: {} elements match the last step", existing.size())));
  }
  pugi::xml_node inserted;
  if (existing.size() == 1) {
    inserted = parent.insert_copy_before(frag.document_element(), existing.front());
    parent.remove_child(existing.front());
  } else {
    KB_TRY(Resolved r, Resolve(last, selector, default_ns));
    pugi::xml_node after;
    for (pugi::xml_node c : parent.children()) {
      if (NameTest(c, r)) after = c;
    }
    inserted = after ? parent.insert_copy_after(frag.document_element(), after)
                     : parent.append_copy(frag.document_element());
  }
  // The selector must now select exactly the new element.
  auto now = Select(doc, selector, default_ns, selector.steps.size());
  if (!now || *now != inserted) {
    return Fail(Error::Conflict(
        "cannot-insert: the selector would not select the new element (name, namespace,"
        " attribute or position differ)"));
  }
  return SaveDocument(doc);
}

Result<std::string> DeleteElement(std::string_view document, const NodeSelector& selector,
                                  std::string_view default_ns) {
  if (selector.steps.size() < 2) {
    return Fail(Error::Conflict("DELETE of the root element: delete the document instead"));
  }
  KB_TRY(pugi::xml_document doc, Load(document, "document"));
  KB_TRY(pugi::xml_node e, Select(doc, selector, default_ns, selector.steps.size()));
  e.parent().remove_child(e);
  if (Select(doc, selector, default_ns, selector.steps.size())) {
    return Fail(Error::Conflict(
        "cannot-delete: after the deletion the selector would select another element"));
  }
  return SaveDocument(doc);
}

}  // namespace kb::cms
