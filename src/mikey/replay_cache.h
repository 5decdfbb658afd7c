// RFC 3830 5.4: the replay cache a MIKEY receiver keeps for the clock-skew window of T.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "core/bytes.h"
#include "core/error.h"
#include "core/ntp_time.h"

namespace kb::mikey {

// Remembers (initiator identity, T, RAND) of accepted messages until their T leaves the window.
// Not thread-safe: one cache per receiving engine, or guard it with a lock.
class ReplayCache {
 public:
  // window_seconds: how long an entry is kept after its T (at least the allowed clock skew on
  // each side); capacity: the most entries kept (a full cache refuses new messages).
  explicit ReplayCache(uint64_t window_seconds = 600, size_t capacity = 100000)
      : window_(window_seconds), capacity_(capacity) {}

  // Records the message; fails with kReplay if it was seen before, kConflict if the cache is
  // full after dropping the entries older than now - window.
  Status CheckAndInsert(ByteView initiator, NtpTime t, ByteView rand, NtpTime now);

  size_t size() const { return entries_.size(); }
  uint64_t window_seconds() const { return window_; }

 private:
  void Prune(NtpTime now);

  uint64_t window_;
  size_t capacity_;
  std::set<std::string> entries_;
  std::multimap<uint64_t, std::string> by_time_;  // T in NTP seconds -> key
};

}  // namespace kb::mikey
