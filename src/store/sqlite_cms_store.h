// keybridge CMS document store (RFC 4825 documents, TS 24.484 user profiles) on SQLite: the
// cms_service::DocumentStore interface (docs/cms.md "Storage").
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>

#include "cms_service/document_store.h"
#include "store/sqlite_database.h"

namespace kb::store {

class SqliteCmsStore final : public cms_service::DocumentStore {
 public:
  static Result<std::unique_ptr<SqliteCmsStore>> Open(const std::filesystem::path& path);

  Result<std::optional<cms_service::StoredDocument>> Get(std::string_view selector) override;
  Status Put(const cms_service::StoredDocument& document) override;
  Status Delete(std::string_view selector) override;
  Result<std::vector<cms_service::StoredDocument>> ListByXui(std::string_view xui) override;
  Result<std::vector<std::string>> ListLmrAwareXuis() override;

 private:
  explicit SqliteCmsStore(SqliteDatabase db) : db_(std::move(db)) {}
  std::mutex mu_;
  SqliteDatabase db_;
};

}  // namespace kb::store
