// RFC 4825 (XCAP) 6: document selectors under the XCAP root, percent-encoding of the XUI, and
// the node selector subset keybridge needs (element steps by name, position and attribute),
// applied to the TS 24.484 MCPTT user profile tree
// (org.3gpp.mcptt.user-profile/users/<MC ID>/user-profile-<index>.xml; docs/cms.md).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"

namespace kb::cms {

inline constexpr std::string_view kUserProfileAuid = "org.3gpp.mcptt.user-profile";

// RFC 3986 path-segment encoding: unreserved, sub-delims, ':' and '@' stay; every other octet
// becomes %XX (upper-case hex).
std::string PercentEncodeSegment(std::string_view s);
// Decodes %XX; kMalformed for a bad escape or an encoded NUL.
Result<std::string> PercentDecode(std::string_view s);

// The document selector of a user profile: AUID "/users/" XUI "/user-profile-" index ".xml".
std::string UserProfileDocumentSelector(std::string_view mc_id, uint32_t index);

// One node selector step (RFC 4825 6.3): a name test (prefix:local or "*") and at most one
// predicate: [n] (1-based among the siblings that pass the name test) or [@attr="value"].
struct NodeStep {
  std::string prefix;
  std::string local;  // "*" for any element
  std::optional<uint32_t> position;
  std::optional<std::string> attribute;
  std::string attribute_value;

  friend bool operator==(const NodeStep&, const NodeStep&) = default;
};

struct NodeSelector {
  std::vector<NodeStep> steps;  // from the root element down
  // Prefix -> namespace bindings (from the xmlns() query of the request URI).
  std::map<std::string, std::string> namespaces;

  friend bool operator==(const NodeSelector&, const NodeSelector&) = default;
};

// Parses a (percent-decoded) node selector such as
// mcptt-user-profile/lrk:lmr-root-key[@lmr-type="P25"]. Attribute selectors (a final "@x")
// and namespace selectors are kUnsupported.
Result<NodeSelector> ParseNodeSelector(std::string_view selector);
// The textual form (quotes as ").
std::string FormatNodeSelector(const NodeSelector& selector);

// A parsed request URI path relative to the XCAP root, e.g.
// org.3gpp.mcptt.user-profile/users/sip:alice@example.org/user-profile-1.xml/~~/...?xmlns(...)
struct XcapUri {
  std::string auid;
  std::string xui;  // decoded
  std::string document;
  uint32_t profile_index = 0;
  std::optional<NodeSelector> node;  // absent: the whole document

  // The document selector again (XUI encoded).
  std::string DocumentSelector() const;
};

// Parses a path (percent-encoded, as in the HTTP request line, with an optional query of
// xmlns(prefix=uri) bindings). Only the user-profile AUID and the users tree are accepted;
// the document name must be user-profile-<index>.xml.
Result<XcapUri> ParseXcapUri(std::string_view path_and_query);

}  // namespace kb::cms
