// keybridge KMS service issue log (docs/idms.md, "KMS") on SQLite: the kms_service::KmsStore
// interface.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>

#include "kms_service/kms_store.h"
#include "store/sqlite_database.h"

namespace kb::store {

class SqliteKmsStore final : public kms_service::KmsStore {
 public:
  static Result<std::unique_ptr<SqliteKmsStore>> Open(const std::filesystem::path& path);

  Status RecordIssue(const kms_service::IssueRecord& record) override;
  Result<std::vector<kms_service::IssueRecord>> Issued(std::string_view user_uri) override;

 private:
  explicit SqliteKmsStore(SqliteDatabase db) : db_(std::move(db)) {}
  std::mutex mu_;
  SqliteDatabase db_;
};

}  // namespace kb::store
