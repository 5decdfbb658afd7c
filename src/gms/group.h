// TS 33.180 5.7 / 7.3 and TS 23.283 (seed requirement c): what the GMS keeps per group: the
// group document (MC group ID, members, whether the IWF takes part and whether it terminates the
// group as security gateway, temporary groups and what they were formed from) and, per recipient,
// the GMK I_MESSAGE delivered to it. The GMK itself is never stored: each (re)key wraps a fresh
// GMK to every recipient and forgets it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/bytes.h"

namespace kb::gms {

struct Group {
  std::string id;                    // the MC group ID (a URI)
  std::vector<std::string> members;  // MC IDs, sorted, unique
  bool interworking = false;         // the IWF receives the GMK like a member
  bool iwf_terminates = false;       // the IWF is the security gateway: status bit 1 (E.6.9)
  bool temporary = false;
  std::vector<std::string> formed_from;  // temporary groups: the constituent group IDs
  uint32_t gmk_id = 0;                   // the current GMK-ID (purpose tag 0)
  uint64_t revision = 0;                 // +1 per rekey
  friend bool operator==(const Group&, const Group&) = default;
};

// One recipient's copy of the current GMK: the I_MESSAGE from the GMS to it (CSB-ID = its GUK-ID).
struct KeyDelivery {
  std::string group_id;
  std::string recipient;
  uint32_t gmk_id = 0;
  uint32_t guk_id = 0;
  uint64_t revision = 0;
  Bytes i_message;
  friend bool operator==(const KeyDelivery&, const KeyDelivery&) = default;
};

}  // namespace kb::gms
