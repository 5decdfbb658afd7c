// TS 23.283 clause 10.12 relay, durable store-and-forward: the MC service server keeps every
// accepted security message until one registered client of its target has accepted it
// (docs/mc-server.md, "Store and forward"). Implementations: MemoryMessageStore (tests,
// benchmarks) and store::SqliteMessageStore (src/store/sqlite_message_store.h).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "mc/lmr_security_message.h"
#include "net/sip_multipart.h"

namespace kb::mc_server {

// One accepted message. The body is kept as the SIP body parts, encoded by EncodeStoredBody;
// the store never looks inside it.
struct StoredMessage {
  int64_t seq = 0;             // assigned by Append, increasing in acceptance order
  std::string target;          // canonical AOR of the target ("sip:alice@example.org")
  std::string sender;          // canonical AOR of the sender (the SIP From)
  mc::MessageId message_id{};  // keybridge message ID: (target, message_id) is unique
  std::string kind;            // "request", "response", "sds-request" ... (for logs)
  uint32_t payload_length = 0;
  Bytes body;
  bool operator==(const StoredMessage&) const = default;
};

// Not thread-safe: the server calls it from one thread at a time.
class MessageStore {
 public:
  virtual ~MessageStore() = default;

  // Stores the messages in one transaction, durable when it returns (a crash of the process
  // afterwards loses none of them). Assigns seq to each new message. Returns, per message,
  // whether it was new; false: a message with the same (target, message ID) was stored before
  // (pending or delivered within the retention) and nothing was changed.
  virtual Result<std::vector<bool>> Append(std::span<StoredMessage> messages) = 0;

  // The undelivered messages of `target`, oldest first, at most `limit`.
  virtual Result<std::vector<StoredMessage>> Pending(std::string_view target, size_t limit) = 0;
  // Every target that has undelivered messages.
  virtual Result<std::vector<std::string>> PendingTargets() = 0;
  virtual Result<size_t> PendingCount() = 0;

  // Marks messages delivered (one transaction). Their (target, message ID) stays known for
  // de-duplication until Prune removes it.
  virtual Status MarkDelivered(std::span<const int64_t> seqs) = 0;
  // Forgets delivered messages, keeping the newest `keep` for de-duplication.
  virtual Status Prune(size_t keep) = 0;
};

// The SIP body parts as one opaque octet string: count (2) then per part content type (2-octet
// length + text) and data (4-octet length + octets).
Bytes EncodeStoredBody(std::span<const net::BodyPart> parts);
Result<std::vector<net::BodyPart>> DecodeStoredBody(ByteView data);

}  // namespace kb::mc_server
