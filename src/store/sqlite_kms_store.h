// keybridge KMS service issue log (docs/idms.md, "KMS") on store::Database (SQLite or PostgreSQL):
// the kms_service::KmsStore interface.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>

#include "kms_service/kms_store.h"
#include "store/database.h"

namespace kb::store {

class SqliteKmsStore final : public kms_service::KmsStore {
 public:
  static Result<std::unique_ptr<SqliteKmsStore>> Open(const std::filesystem::path& path);
  // On the node's storage (database "kms"), or on an open database.
  static Result<std::unique_ptr<SqliteKmsStore>> Open(const StorageOptions& storage);
  static Result<std::unique_ptr<SqliteKmsStore>> Open(std::unique_ptr<Database> db);
  static const std::vector<std::string>& Migrations();

  Status RecordIssue(const kms_service::IssueRecord& record) override;
  Result<std::vector<kms_service::IssueRecord>> Issued(std::string_view user_uri) override;

 private:
  explicit SqliteKmsStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}
  std::mutex mu_;
  std::unique_ptr<Database> db_;
};

}  // namespace kb::store
