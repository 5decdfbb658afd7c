// TS 23.283 10.12 IWF outbox (docs/iwf.md "Durability"): an in-memory IwfOutbox for tests and
// benchmarks; nothing survives the process.
#pragma once

#include <map>
#include <set>
#include <utility>

#include "iwf/iwf_outbox.h"

namespace kb::iwf {

class MemoryIwfOutbox final : public IwfOutbox {
 public:
  Result<bool> Add(OutboxEntry& e) override;
  Result<std::vector<OutboxEntry>> LoadPending() override;
  Status MarkDelivered(int64_t seq, int64_t now_ms) override;
  Status MarkFailed(int64_t seq, int64_t now_ms) override;
  Status Reschedule(int64_t seq, uint32_t attempts, int64_t next_attempt_ms) override;
  Result<size_t> Purge(int64_t before_ms) override;

  size_t size() const { return entries_.size(); }

 private:
  struct Row {
    OutboxEntry entry;
    int64_t finished_ms = 0;
  };
  Status Finish(int64_t seq, int64_t now_ms, OutboxState state);
  int64_t next_seq_ = 1;
  std::map<int64_t, Row> entries_;
  std::set<std::pair<uint8_t, mc::MessageId>> ids_;
};

}  // namespace kb::iwf
