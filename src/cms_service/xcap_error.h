// RFC 4825 11: the XCAP error document (application/xcap-error+xml) that goes with a 409
// answer: <xcap-error xmlns="urn:ietf:params:xml:ns:xcap-error"><cannot-insert phrase=".."/>.
#pragma once

#include <string>
#include <string_view>

#include "net/http_message.h"

namespace kb::cms_service {

inline constexpr std::string_view kXcapErrorNs = "urn:ietf:params:xml:ns:xcap-error";
inline constexpr std::string_view kXcapErrorMime = "application/xcap-error+xml";

// The RFC 4825 11 error conditions keybridge reports.
enum class XcapErrorCondition {
  kNotWellFormed,          // <not-well-formed>: the body is not XML
  kNotXmlFrag,             // <not-xml-frag>: an element PUT body that is not one element
  kSchemaValidationError,  // <schema-validation-error>: the result is not a valid profile
  kConstraintFailure,      // <constraint-failure>: a rule of the application usage
  kNoParent,               // <no-parent>: the parent (or the document) does not exist
  kCannotInsert,           // <cannot-insert>: the PUT would not select what it inserted
  kCannotDelete,           // <cannot-delete>: the DELETE would select another element
};

// The element name of a condition ("cannot-insert").
std::string_view XcapErrorElement(XcapErrorCondition condition);
// The error document, with phrase (XML-escaped) as the element's phrase attribute.
std::string XcapErrorDocument(XcapErrorCondition condition, std::string_view phrase);
// A 409 response carrying that document.
net::HttpResponse XcapConflict(XcapErrorCondition condition, std::string_view phrase);

}  // namespace kb::cms_service
