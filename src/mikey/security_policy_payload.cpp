// RFC 3830 6.10: encoding and decoding of the security policy payload.
#include "mikey/security_policy_payload.h"

namespace kb::mikey {

namespace {

PolicyParam P(SrtpParam t, uint8_t v) { return {static_cast<uint8_t>(t), Bytes{v}}; }

}  // namespace

SecurityPolicyPayload SecurityPolicyPayload::GroupDefault(uint8_t policy_no) {
  return {policy_no,
          0,
          {P(SrtpParam::kEncryptionAlgorithm, 6), P(SrtpParam::kSessionEncKeyLength, 16),
           P(SrtpParam::kAuthenticationAlgorithm, 4), P(SrtpParam::kSessionSaltLength, 12),
           P(SrtpParam::kSrtpPrf, 0), P(SrtpParam::kKeyDerivationRate, 0),
           P(SrtpParam::kRocTransmissionRate, 1), P(SrtpParam::kSrtpAuthTagLength, 4),
           P(SrtpParam::kSrtcpAuthTagLength, 0), P(SrtpParam::kAeadAuthTagLength, 16)}};
}

SecurityPolicyPayload SecurityPolicyPayload::PrivateDefault(uint8_t policy_no) {
  return {policy_no,
          0,
          {P(SrtpParam::kEncryptionAlgorithm, 6), P(SrtpParam::kSessionEncKeyLength, 16),
           P(SrtpParam::kSessionSaltLength, 12), P(SrtpParam::kSrtpPrf, 0),
           P(SrtpParam::kKeyDerivationRate, 0), P(SrtpParam::kAeadAuthTagLength, 16)}};
}

std::optional<uint64_t> SecurityPolicyPayload::ParamValue(SrtpParam type) const {
  for (const PolicyParam& p : params) {
    if (p.type != static_cast<uint8_t>(type)) continue;
    if (p.value.empty() || p.value.size() > 8) return std::nullopt;
    uint64_t v = 0;
    for (uint8_t b : p.value) v = (v << 8) | b;
    return v;
  }
  return std::nullopt;
}

Result<SecurityPolicyPayload> SecurityPolicyPayload::Decode(ByteReader& r, uint8_t& next_payload) {
  SecurityPolicyPayload sp;
  KB_TRY(next_payload, r.U8("SP.next payload"));
  KB_TRY(sp.policy_no, r.U8("SP.Policy no"));
  KB_TRY(sp.prot_type, r.U8("SP.Prot type"));
  KB_TRY(ByteReader params, r.U16Prefixed("SP.Policy param"));
  while (!params.empty()) {
    PolicyParam p;
    KB_TRY(p.type, params.U8("SP.Policy param.type"));
    KB_TRY(ByteReader v, params.U8Prefixed("SP.Policy param.value"));
    ByteView vv = v.Rest();
    p.value.assign(vv.begin(), vv.end());
    sp.params.push_back(std::move(p));
  }
  return sp;
}

Status SecurityPolicyPayload::Encode(ByteWriter& w, uint8_t next_payload) const {
  w.U8(next_payload).U8(policy_no).U8(prot_type);
  size_t len = w.BeginU16Length();
  for (const PolicyParam& p : params) {
    if (p.value.size() > 255) {
      return Fail(Error::InvalidArgument("SP.Policy param.value: more than 255 octets"));
    }
    w.U8(p.type).U8(static_cast<uint8_t>(p.value.size())).Append(p.value);
  }
  return w.EndU16Length(len);
}

}  // namespace kb::mikey
