// TS 23.283 10.12 IWF outbox in memory (docs/iwf.md "Durability").
#include "iwf/memory_iwf_outbox.h"

#include <fmt/format.h>

namespace kb::iwf {

std::string_view RelayDirectionName(RelayDirection d) {
  return d == RelayDirection::kToMc ? "to-mc" : "to-kmf";
}

Result<bool> MemoryIwfOutbox::Add(OutboxEntry& e) {
  if (!ids_.emplace(static_cast<uint8_t>(e.direction), e.message_id).second) return false;
  e.seq = next_seq_++;
  e.state = OutboxState::kPending;
  entries_[e.seq] = Row{e, 0};
  return true;
}

Result<std::vector<OutboxEntry>> MemoryIwfOutbox::LoadPending() {
  std::vector<OutboxEntry> out;
  for (const auto& [seq, row] : entries_)
    if (row.entry.state == OutboxState::kPending) out.push_back(row.entry);
  return out;
}

Status MemoryIwfOutbox::Finish(int64_t seq, int64_t now_ms, OutboxState state) {
  auto it = entries_.find(seq);
  if (it == entries_.end()) return Fail(Error::NotFound(fmt::format("outbox entry {}", seq)));
  it->second.entry.state = state;
  it->second.finished_ms = now_ms;
  return Ok();
}

Status MemoryIwfOutbox::MarkDelivered(int64_t seq, int64_t now_ms) {
  return Finish(seq, now_ms, OutboxState::kDelivered);
}

Status MemoryIwfOutbox::MarkFailed(int64_t seq, int64_t now_ms) {
  return Finish(seq, now_ms, OutboxState::kFailed);
}

Status MemoryIwfOutbox::Reschedule(int64_t seq, uint32_t attempts, int64_t next_attempt_ms) {
  auto it = entries_.find(seq);
  if (it == entries_.end()) return Fail(Error::NotFound(fmt::format("outbox entry {}", seq)));
  it->second.entry.attempts = attempts;
  it->second.entry.next_attempt_ms = next_attempt_ms;
  return Ok();
}

Result<size_t> MemoryIwfOutbox::Purge(int64_t before_ms) {
  size_t n = 0;
  for (auto it = entries_.begin(); it != entries_.end();) {
    const Row& row = it->second;
    if (row.entry.state != OutboxState::kPending && row.finished_ms < before_ms) {
      ids_.erase({static_cast<uint8_t>(row.entry.direction), row.entry.message_id});
      it = entries_.erase(it);
      ++n;
    } else {
      ++it;
    }
  }
  return n;
}

}  // namespace kb::iwf
