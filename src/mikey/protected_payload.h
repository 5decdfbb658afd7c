// TS 33.180 8.5.4 / E.6: the MCData protected payload that wraps the key parameters in General
// Extension type 7 (octet layout as the public Streamwide example has it; see
// docs/mikey-sakke.md for what is unconfirmed).
#pragma once

#include <array>
#include <cstdint>

#include "core/bytes.h"

namespace kb::mikey {

inline constexpr uint8_t kProtectedPayloadMessageType = 0x43;  // as in the public example
inline constexpr uint8_t kPayloadAlgorithmAes128Gcm = 1;
inline constexpr uint8_t kKeyParametersIeType = 0;
inline constexpr size_t kProtectedPayloadIvBytes = 16;
inline constexpr size_t kProtectedPayloadTagBytes = 16;

// The protected payload: a 12-octet clear header, the IV, the DPPK-ID (= the CSB-ID of the
// MIKEY message) and one payload IE (type, 16-bit length, ciphertext || 16-octet GCM tag).
struct ProtectedPayload {
  uint8_t message_type = kProtectedPayloadMessageType;
  uint64_t date_time = 0;  // 40 bits
  uint32_t payload_id = 0;
  uint8_t sequence = 0;
  uint8_t algorithm = kPayloadAlgorithmAes128Gcm;
  std::array<uint8_t, kProtectedPayloadIvBytes> iv{};
  uint32_t dppk_id = 0;
  uint8_t ie_type = kKeyParametersIeType;
  Bytes sealed;  // ciphertext || tag

  // The GCM additional data: the first 12 octets || IV || DPPK-ID (32 octets).
  Bytes Aad() const;

  // Parses the whole of r (trailing octets fail). The sealed part must hold at least a tag.
  static Result<ProtectedPayload> Decode(ByteReader& r);
  Status Encode(ByteWriter& w) const;
  Result<Bytes> Encode() const;

  friend bool operator==(const ProtectedPayload&, const ProtectedPayload&) = default;
};

}  // namespace kb::mikey
