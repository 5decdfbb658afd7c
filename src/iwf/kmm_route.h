// TIA-102.AACA 10.1 KMM header as the IWF reads it to route (TS 23.283 10.12: the payload is
// otherwise opaque): Message ID, Message Length, Message Format, Destination RSI, Source RSI.
// Nothing after the 10-octet header is read; the body and MAC are not checked.
#pragma once

#include <cstdint>

#include "core/bytes.h"

namespace kb::iwf {

struct KmmRoute {
  uint8_t message_id = 0;
  uint32_t destination_rsi = 0;  // 24 bits
  uint32_t source_rsi = 0;       // 24 bits
};

// Reads the header of a clear KMM. kTruncated when fewer than 10 octets; kMalformed when the
// Message Length does not equal the octet count - 3 (a datagram carries exactly one KMM).
Result<KmmRoute> ReadKmmRoute(ByteView kmm);

}  // namespace kb::iwf
