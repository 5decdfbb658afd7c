// RFC 3830 6.1 / RFC 6043 6.1.1 / TS 33.180 E.1.2: the MIKEY common header (HDR) with its CS ID
// map (empty map or GENERIC-ID).
#pragma once

#include <cstdint>
#include <vector>

#include "core/bytes.h"

namespace kb::mikey {

inline constexpr uint8_t kMikeyVersion = 1;

// RFC 3830 6.1 data types; TS 33.180 uses 26 (SAKKE message).
enum class DataType : uint8_t {
  kSakkeMessage = 26,
  kSakkeResponse = 27,
};

// RFC 3830 6.1 / RFC 6043: the PRF function of the HDR (7 bits).
enum class PrfFunc : uint8_t {
  kMikey1 = 0,         // HMAC-SHA1 (RFC 3830 4.1.2)
  kPrfHmacSha256 = 1,  // RFC 6043 6.1, TS 33.180
};

// RFC 3830 6.1 CS ID map types.
enum class CsIdMapType : uint8_t {
  kSrtpId = 0,     // not used by TS 33.180; rejected by the decoder
  kEmpty = 1,      // #CS = 0, the default profiles of TS 33.180 E.1.2 apply
  kGenericId = 2,  // RFC 6043 6.1.1
};

// One GENERIC-ID map entry (RFC 6043 6.1.1). For SRTP the SPI is the MKI.
struct GenericIdEntry {
  uint8_t cs_id = 0;
  uint8_t prot_type = 0;          // 0 = SRTP
  bool s = false;                 // the S flag (session data is the SRTP SSRC/ROC/SEQ)
  std::vector<uint8_t> policies;  // #P policy numbers (at most 127)
  Bytes session_data;             // 16-bit length prefix
  Bytes spi;                      // 8-bit length prefix

  friend bool operator==(const GenericIdEntry&, const GenericIdEntry&) = default;
};

// The HDR. #CS is the number of entries; next payload is set by the message encoder.
struct CommonHeader {
  uint8_t version = kMikeyVersion;
  uint8_t data_type = static_cast<uint8_t>(DataType::kSakkeMessage);
  bool v = false;  // acknowledgement requested; 0 in TS 33.180
  uint8_t prf_func = static_cast<uint8_t>(PrfFunc::kPrfHmacSha256);  // 7 bits
  uint32_t csb_id = 0;
  CsIdMapType map_type = CsIdMapType::kEmpty;
  std::vector<GenericIdEntry> cs;  // empty for kEmpty

  // Reads the HDR; next_payload receives the HDR's next-payload field. Rejects a map type other
  // than empty/GENERIC-ID, and #CS that disagrees with the map type.
  static Result<CommonHeader> Decode(ByteReader& r, uint8_t& next_payload);
  // Appends the HDR with the given next-payload value. Fails (kInvalidArgument) if a field does
  // not fit its encoding or the map type and entries disagree.
  Status Encode(ByteWriter& w, uint8_t next_payload) const;

  friend bool operator==(const CommonHeader&, const CommonHeader&) = default;
};

}  // namespace kb::mikey
