// RFC 3830 6.15 / TS 33.180 E.5, E.6: the General Extension payload; type 6 carries a
// SAKKE-to-self payload, type 7 the 3GPP key parameters (a protected payload), and the
// keybridge-private type 0xF1 an LMR root key (an extension, docs/lmr-root-key.md).
#pragma once

#include <cstdint>

#include "core/bytes.h"
#include "mikey/sakke_payload.h"

namespace kb::mikey {

enum class GeneralExtensionType : uint8_t {
  kSakkeToSelf = 6,
  kKeyParameters = 7,
  // keybridge extension, NOT standard: the LMR root key (docs/lmr-root-key.md); RFC 3830
  // private-use range.
  kLmrRootKey = 0xF1,
};

// The largest extension data the decoder accepts.
inline constexpr size_t kMaxGeneralExtensionBytes = 4096;

// General Extension: type and data (16-bit length). The decoder accepts types 6 and 7 and the
// keybridge-private type 0xF1 only, and checks that their data parses (a SAKKE payload, a
// protected payload, an LMR root key extension).
struct GeneralExtension {
  uint8_t type = 0;
  Bytes data;

  // Type 6 around a SAKKE payload; the inner next-payload field is 0 (E.5).
  static Result<GeneralExtension> SakkeToSelf(const SakkePayload& sakke);
  // The SAKKE payload of a type 6 extension (its ignored inner next-payload in inner_next).
  Result<SakkePayload> InnerSakke(uint8_t* inner_next = nullptr) const;

  static Result<GeneralExtension> Decode(ByteReader& r, uint8_t& next_payload);
  Status Encode(ByteWriter& w, uint8_t next_payload) const;

  friend bool operator==(const GeneralExtension&, const GeneralExtension&) = default;
};

}  // namespace kb::mikey
