// RFC 6509 4.2 / TS 33.180 E.1.2: the SAKKE payload (params 1, ID scheme 2 = 3GPP hashed UID).
#pragma once

#include <cstdint>

#include "core/bytes.h"

namespace kb::mikey {

inline constexpr uint8_t kSakkeParamSet1 = 1;
// RFC 6509 ID scheme 1 (tel URI with monthly keys) and the 3GPP MCX hashed UID (TS 33.180 F.2.1).
inline constexpr uint8_t kSakkeIdSchemeTelUri = 1;
inline constexpr uint8_t kSakkeIdScheme3gppUid = 2;
// The largest SAKKE data the decoder accepts (parameter set 1 needs 273).
inline constexpr size_t kMaxSakkeDataBytes = 1024;

// SAKKE: parameter set, ID scheme and the Encapsulated Data (16-bit length).
struct SakkePayload {
  uint8_t params = kSakkeParamSet1;
  uint8_t id_scheme = kSakkeIdScheme3gppUid;
  Bytes data;

  static Result<SakkePayload> Decode(ByteReader& r, uint8_t& next_payload);
  Status Encode(ByteWriter& w, uint8_t next_payload) const;

  friend bool operator==(const SakkePayload&, const SakkePayload&) = default;
};

}  // namespace kb::mikey
