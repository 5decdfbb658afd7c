// RFC 3830 6.10 / 6.10.1: the security policy payload (SP) with SRTP policy parameters, and the
// TS 33.180 default SRTP profiles (Table E.2-1 for groups, E.3 for private calls).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/bytes.h"

namespace kb::mikey {

// RFC 3830 6.10.1 SRTP policy parameter types used by TS 33.180.
enum class SrtpParam : uint8_t {
  kEncryptionAlgorithm = 0,  // 6 = AES-GCM
  kSessionEncKeyLength = 1,
  kAuthenticationAlgorithm = 2,  // 4 = RCCm3
  kSessionSaltLength = 4,
  kSrtpPrf = 5,  // 0 = AES-CM
  kKeyDerivationRate = 6,
  kRocTransmissionRate = 13,
  kSrtpAuthTagLength = 18,
  kSrtcpAuthTagLength = 19,
  kAeadAuthTagLength = 20,
};

struct PolicyParam {
  uint8_t type = 0;
  Bytes value;  // 8-bit length

  friend bool operator==(const PolicyParam&, const PolicyParam&) = default;
};

// SP: policy number, protocol type (0 = SRTP) and the parameters in the order sent.
struct SecurityPolicyPayload {
  uint8_t policy_no = 0;
  uint8_t prot_type = 0;
  std::vector<PolicyParam> params;

  // The TS 33.180 Table E.2-1 group-call default (GMK): AES-GCM, 16-octet key, RCCm3, 12-octet
  // salt, AES-CM PRF, KDR 0, ROC rate 1, SRTP tag 4, SRTCP tag 0, AEAD tag 16.
  static SecurityPolicyPayload GroupDefault(uint8_t policy_no = 0);
  // The E.3 private-call default (PCK, CSK): AES-GCM, 16, salt 12, AES-CM, KDR 0, AEAD tag 16.
  static SecurityPolicyPayload PrivateDefault(uint8_t policy_no = 0);

  // The value of the first parameter of that type, as an unsigned integer, if any.
  std::optional<uint64_t> ParamValue(SrtpParam type) const;

  static Result<SecurityPolicyPayload> Decode(ByteReader& r, uint8_t& next_payload);
  Status Encode(ByteWriter& w, uint8_t next_payload) const;

  friend bool operator==(const SecurityPolicyPayload&, const SecurityPolicyPayload&) = default;
};

}  // namespace kb::mikey
