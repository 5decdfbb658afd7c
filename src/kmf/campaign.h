// TIA-102.AACA §9.2 (keybridge choice): KMF campaigns, one tracked task per addressed unit.
//
// A campaign is one operator operation (rekey a group, changeover, zeroize a unit, ...). It fans
// out into one task per unit; a task is the command sent to that unit, tracked until the unit
// acknowledges it, retried with back-off on timeout, and persisted so that a restarted KMF
// resumes where it stopped. A unit has at most one task in flight: its tasks run in id order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "kmf/kmf_types.h"

namespace kb::kmf {

enum class CampaignKind : uint8_t {
  kRekey = 1,         // Rekey-Command with every TEK the unit's groups need
  kModifyKey = 2,     // Rekey-Command with the modified TEKs only
  kChangeover = 3,    // Changeover-Command (superseded -> activated keyset)
  kZeroize = 4,       // Zeroize-Command
  kInventory = 5,     // Inventory-Command
  kChangeRsi = 6,     // Change-RSI-Command
  kRegistration = 7,  // Registration-Command
  kWarmStart = 8,     // Warm-Start-Command
  kHelloRekey = 9,    // Rekey-Command answering a Hello (rekey request)
  kDeleteKey = 10,    // Delete-Key-Command (one keyset and ALGID per task; dissolving a group)
};
std::string_view CampaignKindName(CampaignKind k);

// Operation parameters, stored with the campaign and each task (serialised by the engine).
struct CampaignParams {
  std::vector<KeyRef> keys;       // kModifyKey: the keys to push; kDeleteKey: to erase
  uint8_t superseded_keyset = 0;  // kChangeover
  uint8_t activated_keyset = 0;   // kChangeover
  uint8_t inventory_type = 0;     // kInventory
  Rsi new_rsi = 0;                // kChangeRsi
  Bytes Encode() const;
  static Result<CampaignParams> Decode(ByteView b);
};

struct Campaign {
  int64_t id = 0;  // assigned by the store
  std::string org;
  CampaignKind kind = CampaignKind::kRekey;
  Bytes params;  // CampaignParams::Encode()
  TimePoint created{};
  std::string description;  // operator text, e.g. "rekey group fire-1"
};

enum class TaskState : uint8_t {
  kQueued = 0,     // not sent yet
  kSent = 1,       // sent, waiting for the acknowledgment until next_due
  kDone = 2,       // acknowledged with success
  kFailed = 3,     // NAK, negative status, or retries exhausted
  kCancelled = 4,  // superseded (e.g. the unit was zeroized)
};
std::string_view TaskStateName(TaskState s);
inline bool IsTerminal(TaskState s) { return s >= TaskState::kDone; }

struct Task {
  int64_t id = 0;  // assigned by the store; also the run order of a unit's tasks
  int64_t campaign_id = 0;
  std::string org;
  Rsi rsi = 0;
  CampaignKind kind = CampaignKind::kRekey;
  Bytes params;
  TaskState state = TaskState::kQueued;
  uint32_t attempts = 0;
  TimePoint next_due{};       // when to send (queued) or to give up waiting (sent)
  std::vector<uint16_t> mns;  // the Message Numbers of every attempt (an ack may echo any)
  uint8_t status = 0;         // last AACA status code received (section 3)
  std::string detail;         // operator text: NAK reason, inventory result (never key values)
  TimePoint updated{};
};

// Aggregate view of a campaign for an operator.
struct CampaignStatus {
  Campaign campaign;
  size_t queued = 0, sent = 0, done = 0, failed = 0, cancelled = 0;
  std::vector<Task> tasks;
  bool Complete() const { return queued == 0 && sent == 0; }
};

}  // namespace kb::kmf
