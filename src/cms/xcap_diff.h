// RFC 5875: xcap-diff documents (application/xcap-diff+xml), the body of the NOTIFYs of the
// xcap-diff event package that tell a subscribed client (TS 24.484 6, TS 23.280 10.1.4.3) that
// its user profile or one element of it changed.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"

namespace kb::cms {

inline constexpr std::string_view kXcapDiffNs = "urn:ietf:params:xml:ns:xcap-diff";
inline constexpr std::string_view kXcapDiffMime = "application/xcap-diff+xml";

// <document sel previous-etag new-etag>: a new document has no previous ETag, a deleted one no
// new ETag.
struct XcapDiffDocument {
  std::string sel;  // the document selector (relative to xcap-root)
  std::optional<std::string> previous_etag;
  std::optional<std::string> new_etag;
  friend bool operator==(const XcapDiffDocument&, const XcapDiffDocument&) = default;
};

// <element sel exists>: sel is document selector "/~~/" node selector; when it exists the
// element's content may follow (kept as serialised XML, empty when not included).
struct XcapDiffElement {
  std::string sel;
  bool exists = true;
  std::string content;
  friend bool operator==(const XcapDiffElement&, const XcapDiffElement&) = default;
};

struct XcapDiff {
  std::string xcap_root;
  std::vector<XcapDiffDocument> documents;
  std::vector<XcapDiffElement> elements;
  friend bool operator==(const XcapDiff&, const XcapDiff&) = default;
};

Result<std::string> SerializeXcapDiff(const XcapDiff& diff);
Result<XcapDiff> ParseXcapDiff(std::string_view xml);

// The diff for one document change (create: previous empty; delete: next empty) and,
// optionally, the element that changed in it (node selector text, exists after the change).
XcapDiff DescribeDocumentChange(std::string_view xcap_root, std::string_view document_selector,
                                std::string_view previous_etag, std::string_view new_etag,
                                std::optional<std::string> changed_node = std::nullopt,
                                bool node_exists = true);

}  // namespace kb::cms
