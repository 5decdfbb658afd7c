// TS 23.283 10.12 LMR security transport at the IWF (keybridge rule, docs/iwf.md "Durability"):
// the storage interface of the IWF's outbox. Every message the IWF accepts (a KMM from the KMF,
// a request from the MC system) is recorded before it is relayed and marked when the next hop
// took it, so a restarted IWF resends what was in flight, and a message ID seen again (a
// duplicate datagram, an MC retransmission) is relayed only once.
//
// Implementations: MemoryIwfOutbox (iwf/memory_iwf_outbox.h, tests and benchmarks) and
// store::SqliteIwfOutbox (store/sqlite_iwf_outbox.h). Not thread-safe: the relay serialises.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "mc/lmr_security_message.h"

namespace kb::iwf {

enum class RelayDirection : uint8_t {
  kToMc = 1,   // a KMM from the KMF, to an MC service ID
  kToKmf = 2,  // a KMM from an MC service client, to the KMF
};
std::string_view RelayDirectionName(RelayDirection d);

enum class OutboxState : uint8_t { kPending = 0, kDelivered = 1, kFailed = 2 };

struct OutboxEntry {
  int64_t seq = 0;  // assigned by Add, increasing: the relay order
  RelayDirection direction = RelayDirection::kToMc;
  mc::MessageId message_id{};  // keybridge message ID (interworking-data IEI 0xF0)
  std::string mc_service_id;
  uint32_t rsi = 0;
  mc::LmrType lmr_type = mc::LmrType::kP25;
  Bytes kmm;  // the KMM alone (no DLI preamble)
  OutboxState state = OutboxState::kPending;
  uint32_t attempts = 0;
  int64_t created_ms = 0;
  int64_t next_attempt_ms = 0;
};

class IwfOutbox {
 public:
  virtual ~IwfOutbox() = default;
  // Records a pending entry and sets e.seq. Returns false, storing nothing, when an entry of the
  // same direction and message ID is known (pending or finished and not yet purged).
  virtual Result<bool> Add(OutboxEntry& e) = 0;
  // Every pending entry, by seq (what a restarted relay resumes).
  virtual Result<std::vector<OutboxEntry>> LoadPending() = 0;
  virtual Status MarkDelivered(int64_t seq, int64_t now_ms) = 0;
  virtual Status MarkFailed(int64_t seq, int64_t now_ms) = 0;
  virtual Status Reschedule(int64_t seq, uint32_t attempts, int64_t next_attempt_ms) = 0;
  // Forgets delivered and failed entries finished before before_ms; returns how many.
  virtual Result<size_t> Purge(int64_t before_ms) = 0;
};

}  // namespace kb::iwf
