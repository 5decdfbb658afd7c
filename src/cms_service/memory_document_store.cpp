// RFC 4825 8.2/8.3: the in-memory document store.
#include "cms_service/memory_document_store.h"

#include <algorithm>
#include <set>

namespace kb::cms_service {

Result<std::optional<StoredDocument>> MemoryDocumentStore::Get(std::string_view selector) {
  std::lock_guard lock(mu_);
  auto it = docs_.find(selector);
  if (it == docs_.end()) return std::optional<StoredDocument>();
  return std::optional<StoredDocument>(it->second);
}

Status MemoryDocumentStore::Put(const StoredDocument& document) {
  std::lock_guard lock(mu_);
  docs_.insert_or_assign(document.selector, document);
  return Ok();
}

Status MemoryDocumentStore::Delete(std::string_view selector) {
  std::lock_guard lock(mu_);
  auto it = docs_.find(selector);
  if (it == docs_.end()) return Fail(Error::NotFound("no such document"));
  docs_.erase(it);
  return Ok();
}

Result<std::vector<StoredDocument>> MemoryDocumentStore::ListByXui(std::string_view xui) {
  std::lock_guard lock(mu_);
  std::vector<StoredDocument> out;
  for (const auto& [sel, doc] : docs_) {
    if (doc.xui == xui) out.push_back(doc);
  }
  std::sort(out.begin(), out.end(), [](const StoredDocument& a, const StoredDocument& b) {
    return a.profile_index < b.profile_index;
  });
  return out;
}

Result<std::vector<std::string>> MemoryDocumentStore::ListLmrAwareXuis() {
  std::lock_guard lock(mu_);
  std::set<std::string> xuis;
  for (const auto& [sel, doc] : docs_) {
    if (doc.lmr_aware) xuis.insert(doc.xui);
  }
  return std::vector<std::string>(xuis.begin(), xuis.end());
}

}  // namespace kb::cms_service
