// RFC 4825 8.2/8.3: an in-memory DocumentStore for tests and benchmarks (nothing survives the
// process).
#pragma once

#include <map>
#include <mutex>

#include "cms_service/document_store.h"

namespace kb::cms_service {

class MemoryDocumentStore final : public DocumentStore {
 public:
  Result<std::optional<StoredDocument>> Get(std::string_view selector) override;
  Status Put(const StoredDocument& document) override;
  Status Delete(std::string_view selector) override;
  Result<std::vector<StoredDocument>> ListByXui(std::string_view xui) override;
  Result<std::vector<std::string>> ListLmrAwareXuis() override;

 private:
  std::mutex mu_;
  std::map<std::string, StoredDocument, std::less<>> docs_;
};

}  // namespace kb::cms_service
