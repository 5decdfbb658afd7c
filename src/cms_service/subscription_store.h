// RFC 6665 subscriptions of the TS 24.484 6 / RFC 5875 xcap-diff notifier made durable
// (docs/cms.md "Subscriptions across a restart"): after a CMS restart an existing subscription
// still gets a NOTIFY on the next change, until it expires. Implementations:
// MemorySubscriptionStore (tests) and store::SqliteCmsStore (SQLite or PostgreSQL).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "cms_service/xcap_diff_notifier.h"
#include "core/error.h"

namespace kb::cms_service {

// Called with the notifier's lock held, from the SIP stack thread and from the threads that
// change documents; implementations serialise.
class SubscriptionStore {
 public:
  virtual ~SubscriptionStore() = default;
  // Inserts or replaces the subscription of dialog (call_id, local_tag), durable on return.
  // The per-document ETags are not kept.
  virtual Status PutSubscription(const Subscription& s) = 0;
  virtual Status RemoveSubscription(std::string_view call_id, std::string_view local_tag) = 0;
  // Every subscription that expires after `now` (Unix seconds); the expired ones are deleted.
  virtual Result<std::vector<Subscription>> LoadSubscriptions(int64_t now) = 0;
};

class MemorySubscriptionStore final : public SubscriptionStore {
 public:
  Status PutSubscription(const Subscription& s) override;
  Status RemoveSubscription(std::string_view call_id, std::string_view local_tag) override;
  Result<std::vector<Subscription>> LoadSubscriptions(int64_t now) override;

 private:
  std::mutex mu_;
  std::map<std::string, Subscription> subs_;  // by call-id|local tag
};

}  // namespace kb::cms_service
