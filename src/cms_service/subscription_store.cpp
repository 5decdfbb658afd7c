// RFC 6665 xcap-diff subscriptions kept in memory (tests): the SubscriptionStore contract.
#include "cms_service/subscription_store.h"

namespace kb::cms_service {

Status MemorySubscriptionStore::PutSubscription(const Subscription& s) {
  std::lock_guard lock(mu_);
  Subscription copy = s;
  copy.etags.clear();
  subs_[s.call_id + "|" + s.local_tag] = std::move(copy);
  return Ok();
}

Status MemorySubscriptionStore::RemoveSubscription(std::string_view call_id,
                                                   std::string_view local_tag) {
  std::lock_guard lock(mu_);
  subs_.erase(std::string(call_id) + "|" + std::string(local_tag));
  return Ok();
}

Result<std::vector<Subscription>> MemorySubscriptionStore::LoadSubscriptions(int64_t now) {
  std::lock_guard lock(mu_);
  std::vector<Subscription> out;
  for (auto it = subs_.begin(); it != subs_.end();) {
    if (it->second.expires_at <= now) {
      it = subs_.erase(it);
      continue;
    }
    out.push_back(it->second);
    ++it;
  }
  return out;
}

}  // namespace kb::cms_service
