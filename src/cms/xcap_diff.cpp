// RFC 5875 xcap-diff documents: serialise and parse.
#include "cms/xcap_diff.h"

#include <fmt/format.h>

#include <pugixml.hpp>
#include <sstream>

#include "cms/xml_names.h"

namespace kb::cms {

Result<std::string> SerializeXcapDiff(const XcapDiff& d) {
  if (d.xcap_root.empty()) return Fail(Error::InvalidArgument("xcap-diff: empty xcap-root"));
  pugi::xml_document doc;
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  pugi::xml_node root = doc.append_child("xcap-diff");
  root.append_attribute("xmlns") = std::string(kXcapDiffNs).c_str();
  root.append_attribute("xcap-root") = d.xcap_root.c_str();
  for (const auto& x : d.documents) {
    if (x.sel.empty()) return Fail(Error::InvalidArgument("xcap-diff: document without sel"));
    pugi::xml_node e = root.append_child("document");
    e.append_attribute("sel") = x.sel.c_str();
    if (x.previous_etag) e.append_attribute("previous-etag") = x.previous_etag->c_str();
    if (x.new_etag) e.append_attribute("new-etag") = x.new_etag->c_str();
  }
  for (const auto& x : d.elements) {
    if (x.sel.empty()) return Fail(Error::InvalidArgument("xcap-diff: element without sel"));
    pugi::xml_node e = root.append_child("element");
    e.append_attribute("sel") = x.sel.c_str();
    e.append_attribute("exists") = x.exists ? "1" : "0";
    if (x.exists && !x.content.empty()) {
      pugi::xml_document frag;
      auto r = frag.load_buffer(x.content.data(), x.content.size(),
                                pugi::parse_default & ~pugi::parse_doctype, pugi::encoding_utf8);
      if (!r || !frag.document_element()) {
        return Fail(Error::InvalidArgument("xcap-diff: element content is not XML"));
      }
      e.append_copy(frag.document_element());
    }
  }
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

Result<XcapDiff> ParseXcapDiff(std::string_view xml) {
  if (xml.size() > 256 * 1024) return Fail(Error::Malformed("xcap-diff: too large"));
  pugi::xml_document doc;
  auto r = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default & ~pugi::parse_doctype,
                           pugi::encoding_utf8);
  if (!r) {
    return Fail(Error::Malformed(
        fmt::format("xcap-diff: XML error at offset {}: {}", r.offset, r.description())));
  }
  pugi::xml_node root = doc.document_element();
  if (!IsElement(root, kXcapDiffNs, "xcap-diff")) {
    return Fail(Error::Malformed("xcap-diff: the root is not <xcap-diff> in its namespace"));
  }
  XcapDiff d;
  d.xcap_root = root.attribute("xcap-root").value();
  if (d.xcap_root.empty()) return Fail(Error::Malformed("xcap-diff@xcap-root: missing"));
  for (pugi::xml_node c : root.children()) {
    if (IsElement(c, kXcapDiffNs, "document")) {
      XcapDiffDocument x;
      x.sel = c.attribute("sel").value();
      if (x.sel.empty()) return Fail(Error::Malformed("xcap-diff/document@sel: missing"));
      if (auto a = c.attribute("previous-etag")) x.previous_etag = a.value();
      if (auto a = c.attribute("new-etag")) x.new_etag = a.value();
      d.documents.push_back(std::move(x));
    } else if (IsElement(c, kXcapDiffNs, "element")) {
      XcapDiffElement x;
      x.sel = c.attribute("sel").value();
      if (x.sel.empty()) return Fail(Error::Malformed("xcap-diff/element@sel: missing"));
      std::string_view exists = c.attribute("exists").as_string("1");
      if (exists != "0" && exists != "1" && exists != "true" && exists != "false") {
        return Fail(Error::Malformed("xcap-diff/element@exists: not a boolean"));
      }
      x.exists = exists == "1" || exists == "true";
      if (pugi::xml_node content = c.first_element_by_path(".")) {
        for (pugi::xml_node k : content.children()) {
          if (k.type() != pugi::node_element) continue;
          std::ostringstream out;
          k.print(out, "  ", pugi::format_default, pugi::encoding_utf8);
          x.content = out.str();
          break;
        }
      }
      d.elements.push_back(std::move(x));
    }
  }
  return d;
}

XcapDiff DescribeDocumentChange(std::string_view xcap_root, std::string_view document_selector,
                                std::string_view previous_etag, std::string_view new_etag,
                                std::optional<std::string> changed_node, bool node_exists) {
  XcapDiff d;
  d.xcap_root = std::string(xcap_root);
  XcapDiffDocument doc;
  doc.sel = std::string(document_selector);
  if (!previous_etag.empty()) doc.previous_etag = std::string(previous_etag);
  if (!new_etag.empty()) doc.new_etag = std::string(new_etag);
  d.documents.push_back(std::move(doc));
  if (changed_node) {
    d.elements.push_back(
        {fmt::format("{}/~~/{}", document_selector, *changed_node), node_exists, {}});
  }
  return d;
}

}  // namespace kb::cms
