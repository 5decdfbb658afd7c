// RFC 3830 5.4: replay cache keyed on (initiator, T, RAND).
#include "mikey/replay_cache.h"

#include <fmt/format.h>

namespace kb::mikey {

void ReplayCache::Prune(NtpTime now) {
  uint64_t cutoff = now.seconds() > window_ ? now.seconds() - window_ : 0;
  while (!by_time_.empty() && by_time_.begin()->first < cutoff) {
    entries_.erase(by_time_.begin()->second);
    by_time_.erase(by_time_.begin());
  }
}

Status ReplayCache::CheckAndInsert(ByteView initiator, NtpTime t, ByteView rand, NtpTime now) {
  ByteWriter w(initiator.size() + rand.size() + 12);
  w.U16(static_cast<uint16_t>(initiator.size())).Append(initiator).U64(t.raw()).Append(rand);
  std::string key(AsString(w.view()));
  Prune(now);
  if (entries_.contains(key)) {
    return Fail(Error::Replay(fmt::format(
        "I_MESSAGE: replay of a message from the same initiator with T {} and the same RAND",
        t.ToIso8601())));
  }
  if (entries_.size() >= capacity_) {
    return Fail(Error::Conflict("I_MESSAGE: replay cache full; message refused"));
  }
  entries_.insert(key);
  by_time_.emplace(t.seconds(), std::move(key));
  return Ok();
}

}  // namespace kb::mikey
