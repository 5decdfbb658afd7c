// RFC 4825 7 and 8: single-element GET, PUT and DELETE on an XCAP document through a node
// selector (xcap_uri.h), and the document ETag (RFC 4825 7.11). Pure: the document is a string
// in, a string out; the HTTP layer maps the error kinds (kNotFound 404, kConflict 409).
#pragma once

#include <string>
#include <string_view>

#include "cms/xcap_uri.h"
#include "core/bytes.h"

namespace kb::cms {

// A strong entity tag for a stored document: "\"" + the first 32 hex digits of SHA-256 of
// its octets + "\"". Any change to the octets changes it.
std::string ComputeEtag(std::string_view document);

// The element the selector names, serialised (with the namespace declarations in scope copied
// onto it so that it stands alone). kNotFound when it selects no element or more than one.
// Unprefixed names in the selector are in default_ns (RFC 4825 6.3: the application usage's
// default namespace); prefixed ones are looked up in selector.namespaces.
Result<std::string> GetElement(std::string_view document, const NodeSelector& selector,
                               std::string_view default_ns);

// Replaces the selected element with element_xml, or inserts it as a new child of the parent
// the selector names (after its last sibling that passes the same name test, else at the end).
// The new element must then be what the selector selects (kConflict otherwise, RFC 4825 8.2.3
// "cannot-insert"). Returns the new document.
Result<std::string> PutElement(std::string_view document, const NodeSelector& selector,
                               std::string_view default_ns, std::string_view element_xml);

// Removes the selected element (kNotFound if none); kConflict when the selector would then
// select another element (RFC 4825 8.2.5). Returns the new document.
Result<std::string> DeleteElement(std::string_view document, const NodeSelector& selector,
                                  std::string_view default_ns);

}  // namespace kb::cms
