// XML Namespaces 1.0 over pugixml (which does not resolve prefixes): expanded names of
// elements, as the CMS documents (TS 24.484) and XCAP node selectors (RFC 4825 6.3) need them.
#pragma once

#include <pugixml.hpp>
#include <string>
#include <string_view>

namespace kb::cms {

// The part of a qualified name after the colon (all of it without one).
std::string_view LocalName(std::string_view qname);
// The prefix of a qualified name ("" without one).
std::string_view PrefixOf(std::string_view qname);
// The namespace URI bound to prefix ("" = the default namespace) in scope at node, or "" when
// unbound. Looks at node and its ancestors.
std::string NamespaceForPrefix(pugi::xml_node node, std::string_view prefix);
// The namespace URI of an element.
std::string NamespaceOf(pugi::xml_node element);
// True when element has this namespace URI and local name.
bool IsElement(pugi::xml_node element, std::string_view ns, std::string_view local);

}  // namespace kb::cms
