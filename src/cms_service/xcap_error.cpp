// RFC 4825 11: XCAP error documents.
#include "cms_service/xcap_error.h"

#include <pugixml.hpp>
#include <sstream>

namespace kb::cms_service {

std::string_view XcapErrorElement(XcapErrorCondition c) {
  switch (c) {
    case XcapErrorCondition::kNotWellFormed:
      return "not-well-formed";
    case XcapErrorCondition::kNotXmlFrag:
      return "not-xml-frag";
    case XcapErrorCondition::kSchemaValidationError:
      return "schema-validation-error";
    case XcapErrorCondition::kConstraintFailure:
      return "constraint-failure";
    case XcapErrorCondition::kNoParent:
      return "no-parent";
    case XcapErrorCondition::kCannotInsert:
      return "cannot-insert";
    case XcapErrorCondition::kCannotDelete:
      return "cannot-delete";
  }
  return "constraint-failure";
}

std::string XcapErrorDocument(XcapErrorCondition condition, std::string_view phrase) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto root = doc.append_child("xcap-error");
  root.append_attribute("xmlns") = std::string(kXcapErrorNs).c_str();
  auto e = root.append_child(std::string(XcapErrorElement(condition)).c_str());
  if (!phrase.empty()) e.append_attribute("phrase") = std::string(phrase).c_str();
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

net::HttpResponse XcapConflict(XcapErrorCondition condition, std::string_view phrase) {
  return net::HttpResponse(409, std::string(kXcapErrorMime), XcapErrorDocument(condition, phrase));
}

}  // namespace kb::cms_service
