// TS 23.283 clause 10.12 relay: in-memory store-and-forward (tests and benchmarks).
#include "mc_server/memory_message_store.h"

namespace kb::mc_server {

Result<std::vector<bool>> MemoryMessageStore::Append(std::span<StoredMessage> messages) {
  std::vector<bool> fresh;
  fresh.reserve(messages.size());
  for (auto& m : messages) {
    auto key = std::make_pair(m.target, m.message_id);
    if (known_.contains(key)) {
      fresh.push_back(false);
      continue;
    }
    m.seq = next_seq_++;
    known_[key] = m.seq;
    pending_[m.seq] = m;
    fresh.push_back(true);
  }
  return fresh;
}

Result<std::vector<StoredMessage>> MemoryMessageStore::Pending(std::string_view target,
                                                               size_t limit) {
  std::vector<StoredMessage> out;
  for (const auto& [seq, m] : pending_) {
    if (out.size() >= limit) break;
    if (m.target == target) out.push_back(m);
  }
  return out;
}

Result<std::vector<std::string>> MemoryMessageStore::PendingTargets() {
  std::set<std::string> t;
  for (const auto& [seq, m] : pending_) t.insert(m.target);
  return std::vector<std::string>(t.begin(), t.end());
}

Result<size_t> MemoryMessageStore::PendingCount() { return pending_.size(); }

Status MemoryMessageStore::MarkDelivered(std::span<const int64_t> seqs) {
  for (int64_t s : seqs) {
    auto it = pending_.find(s);
    if (it == pending_.end()) continue;
    delivered_[s] = {it->second.target, it->second.message_id};
    pending_.erase(it);
  }
  return Ok();
}

Status MemoryMessageStore::Prune(size_t keep) {
  while (delivered_.size() > keep) {
    auto it = delivered_.begin();
    known_.erase(it->second);
    delivered_.erase(it);
  }
  return Ok();
}

}  // namespace kb::mc_server
