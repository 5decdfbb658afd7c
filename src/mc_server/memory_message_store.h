// TS 23.283 clause 10.12 relay: an in-memory MessageStore (tests and benchmarks; nothing
// survives the process).
#pragma once

#include <map>
#include <set>
#include <utility>

#include "mc_server/message_store.h"

namespace kb::mc_server {

class MemoryMessageStore final : public MessageStore {
 public:
  Result<std::vector<bool>> Append(std::span<StoredMessage> messages) override;
  Result<std::vector<StoredMessage>> Pending(std::string_view target, size_t limit) override;
  Result<std::vector<std::string>> PendingTargets() override;
  Result<size_t> PendingCount() override;
  Status MarkDelivered(std::span<const int64_t> seqs) override;
  Status Prune(size_t keep) override;

 private:
  int64_t next_seq_ = 1;
  std::map<int64_t, StoredMessage> pending_;                        // by seq
  std::map<std::pair<std::string, mc::MessageId>, int64_t> known_;  // (target, id) -> seq
  std::map<int64_t, std::pair<std::string, mc::MessageId>> delivered_;
};

}  // namespace kb::mc_server
