// RFC 3261 10.3 registrar bindings kept in memory (tests): the RegistrationStore contract.
#include "mc_server/registration_store.h"

#include <algorithm>

namespace kb::mc_server {

Status MemoryRegistrationStore::Replace(std::string_view aor,
                                        std::span<const StoredBinding> bindings) {
  std::lock_guard lock(mu_);
  if (bindings.empty()) {
    if (auto it = by_aor_.find(aor); it != by_aor_.end()) by_aor_.erase(it);
    return Ok();
  }
  by_aor_[std::string(aor)].assign(bindings.begin(), bindings.end());
  return Ok();
}

Result<std::vector<StoredBinding>> MemoryRegistrationStore::Load(int64_t now) {
  std::lock_guard lock(mu_);
  std::vector<StoredBinding> out;
  for (auto it = by_aor_.begin(); it != by_aor_.end();) {
    std::erase_if(it->second, [&](const StoredBinding& b) { return b.expires_at <= now; });
    std::vector<StoredBinding> sorted = it->second;
    std::sort(sorted.begin(), sorted.end(),
              [](const StoredBinding& a, const StoredBinding& b) { return a.contact < b.contact; });
    out.insert(out.end(), sorted.begin(), sorted.end());
    it = it->second.empty() ? by_aor_.erase(it) : std::next(it);
  }
  return out;
}

}  // namespace kb::mc_server
