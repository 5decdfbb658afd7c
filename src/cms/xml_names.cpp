// XML Namespaces 1.0 over pugixml: prefix resolution for the CMS documents.
#include "cms/xml_names.h"

namespace kb::cms {

std::string_view LocalName(std::string_view qname) {
  size_t colon = qname.find(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

std::string_view PrefixOf(std::string_view qname) {
  size_t colon = qname.find(':');
  return colon == std::string_view::npos ? std::string_view() : qname.substr(0, colon);
}

std::string NamespaceForPrefix(pugi::xml_node node, std::string_view prefix) {
  std::string attr = prefix.empty() ? std::string("xmlns") : "xmlns:" + std::string(prefix);
  for (pugi::xml_node n = node; n; n = n.parent()) {
    if (n.type() != pugi::node_element) continue;
    if (pugi::xml_attribute a = n.attribute(attr.c_str())) return a.value();
  }
  return {};
}

std::string NamespaceOf(pugi::xml_node element) {
  return NamespaceForPrefix(element, PrefixOf(element.name()));
}

bool IsElement(pugi::xml_node element, std::string_view ns, std::string_view local) {
  return element.type() == pugi::node_element && LocalName(element.name()) == local &&
         NamespaceOf(element) == ns;
}

}  // namespace kb::cms
