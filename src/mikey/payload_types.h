// MIKEY payload type numbers (RFC 3830 6, RFC 6043, RFC 6509) used by TS 33.180 Annex E.
#pragma once

#include <cstdint>

namespace kb::mikey {

enum class PayloadType : uint8_t {
  kLast = 0,
  kKemac = 1,
  kPke = 2,
  kDh = 3,
  kSign = 4,
  kT = 5,
  kId = 6,
  kCert = 7,
  kChash = 8,
  kV = 9,
  kSp = 10,
  kRand = 11,
  kErr = 12,
  kIdr = 14,
  kKeyData = 20,
  kGeneralExtension = 21,
  kSakke = 26,
};

}  // namespace kb::mikey
