// RFC 4825 (XCAP) 8.2/8.3 and TS 24.484 6: where the CMS keeps its documents. The CMS service
// reads and writes whole documents through this interface (SQLite: store/sqlite_cms_store.h;
// memory: memory_document_store.h); element operations are done above it (cms/xcap_document.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace kb::cms_service {

// One stored document.
struct StoredDocument {
  std::string selector;  // the document selector (cms::XcapUri::DocumentSelector())
  std::string xui;       // whose document (decoded)
  uint32_t profile_index = 0;
  std::string content;  // the document's octets, exactly as served
  std::string etag;     // cms::ComputeEtag(content)
  // The profile names an LMR key management functional entity (an LMR-aware user): the IWF's
  // distributor lists these (docs/cms.md "LMR-aware users").
  bool lmr_aware = false;
  int64_t updated_at = 0;  // Unix seconds

  friend bool operator==(const StoredDocument&, const StoredDocument&) = default;
};

// The document store. Implementations are thread-safe. The CMS serialises its read-modify-write
// cycles itself; the store only keeps what it is given.
class DocumentStore {
 public:
  virtual ~DocumentStore() = default;
  // The document with this selector, or nullopt.
  virtual Result<std::optional<StoredDocument>> Get(std::string_view selector) = 0;
  // Creates or replaces the document (keyed by its selector).
  virtual Status Put(const StoredDocument& document) = 0;
  // Removes the document; kNotFound when there is none.
  virtual Status Delete(std::string_view selector) = 0;
  // Every document of one XUI, by profile index.
  virtual Result<std::vector<StoredDocument>> ListByXui(std::string_view xui) = 0;
  // The XUIs (sorted, without duplicates) with at least one LMR-aware document.
  virtual Result<std::vector<std::string>> ListLmrAwareXuis() = 0;
};

}  // namespace kb::cms_service
