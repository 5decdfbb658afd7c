// keybridge CMS document store (RFC 4825 documents, TS 24.484 user profiles) on store::Database
// (SQLite or PostgreSQL; the historical sqlite_ name is kept): the cms_service::DocumentStore
// interface (docs/cms.md "Storage").
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>

#include "cms_service/document_store.h"
#include "cms_service/subscription_store.h"
#include "store/database.h"

namespace kb::store {

// Also the xcap-diff subscriptions (cms_service::SubscriptionStore, table cms_subscription).
class SqliteCmsStore final : public cms_service::DocumentStore,
                             public cms_service::SubscriptionStore {
 public:
  // Opens (or creates and migrates) the database at path (":memory:" allowed).
  static Result<std::unique_ptr<SqliteCmsStore>> Open(const std::filesystem::path& path);
  // On the node's storage (database "cms"), or on an open database.
  static Result<std::unique_ptr<SqliteCmsStore>> Open(const StorageOptions& storage);
  static Result<std::unique_ptr<SqliteCmsStore>> Open(std::unique_ptr<Database> db);
  static const std::vector<std::string>& Migrations();

  Result<std::optional<cms_service::StoredDocument>> Get(std::string_view selector) override;
  Status Put(const cms_service::StoredDocument& document) override;
  Status Delete(std::string_view selector) override;
  Result<std::vector<cms_service::StoredDocument>> ListByXui(std::string_view xui) override;
  Result<std::vector<std::string>> ListLmrAwareXuis() override;

  Status PutSubscription(const cms_service::Subscription& s) override;
  Status RemoveSubscription(std::string_view call_id, std::string_view local_tag) override;
  Result<std::vector<cms_service::Subscription>> LoadSubscriptions(int64_t now) override;

 private:
  explicit SqliteCmsStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}
  std::mutex mu_;
  std::unique_ptr<Database> db_;
};

}  // namespace kb::store
