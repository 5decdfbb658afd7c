// TIA-102.AACA 10.1 KMM header: what the IWF reads to route.
#include "iwf/kmm_route.h"

#include <fmt/format.h>

namespace kb::iwf {

Result<KmmRoute> ReadKmmRoute(ByteView kmm) {
  ByteReader r(kmm);
  KmmRoute route;
  KB_TRY(route.message_id, r.U8("KMM.Message ID"));
  KB_TRY(uint16_t length, r.U16("KMM.Message Length"));
  KB_TRY(uint8_t format, r.U8("KMM.Message Format"));
  (void)format;
  KB_TRY(route.destination_rsi, r.U24("KMM.Destination RSI"));
  KB_TRY(route.source_rsi, r.U24("KMM.Source RSI"));
  if (size_t{length} + 3 != kmm.size()) {
    return Fail(Error::Malformed(fmt::format(
        "KMM.Message Length at offset 1: {} but {} octets follow it", length, kmm.size() - 3)));
  }
  return route;
}

}  // namespace kb::iwf
