// Hand-built I_MESSAGE structures for the codec tests (TS 33.180 E.1.2 layout; the SAKKE data,
// signature and sealed key parameters are filler octets, not cryptographic values).
#pragma once

#include "core/encoding.h"
#include "mikey/i_message.h"
#include "mikey/key_parameters.h"
#include "mikey/protected_payload.h"

namespace kb::mikey::testing {

inline Bytes Filler(size_t n, uint8_t seed) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(seed + i * 7);
  return b;
}

inline Bytes Hex(std::string_view h) { return *FromHex(h); }

// A GMK-shaped message: GENERIC-ID map, roles 8/9, SP, SAKKE, both extensions, SIGN.
inline IMessage SampleGmkMessage() {
  IMessage m;
  m.hdr.csb_id = 0x0633F457;
  m.hdr.map_type = CsIdMapType::kGenericId;
  m.hdr.cs.push_back(GenericIdEntry{4, 0, false, {0}, {}, Hex("0123456706 33f457")});
  m.payloads.push_back(TimestampPayload::NtpUtc(NtpTime::FromSeconds(3'900'000'000u)));
  m.payloads.push_back(RandPayload{Filler(16, 0x11)});
  m.payloads.push_back(IdrPayload{8, 1, Filler(32, 0x21)});
  m.payloads.push_back(IdrPayload{9, 1, Filler(32, 0x31)});
  m.payloads.push_back(IdrPayload::Uri(IdRole::kIdrkmsi, "kms.example.org"));
  m.payloads.push_back(IdrPayload::Uri(IdRole::kIdrkmsr, "kms.example.org"));
  m.payloads.push_back(SecurityPolicyPayload::GroupDefault());
  m.payloads.push_back(SakkePayload{1, 2, Filler(273, 0x41)});
  m.payloads.push_back(*GeneralExtension::SakkeToSelf(SakkePayload{1, 2, Filler(273, 0x51)}));
  ProtectedPayload pp;
  pp.date_time = 0x12345678;
  pp.iv.fill(0x66);
  pp.dppk_id = 0x0633F457;
  pp.sealed = Filler(36, 0x71);
  m.payloads.push_back(GeneralExtension{7, *pp.Encode()});
  m.payloads.push_back(SignPayload{2, Filler(129, 0x81)});
  return m;
}

// A PCK-shaped message: empty map, URIs in roles 1/2, no SP, no extensions.
inline IMessage SamplePckMessage() {
  IMessage m;
  m.hdr.csb_id = 0x10000001;
  m.payloads.push_back(TimestampPayload::NtpUtc(NtpTime::FromSeconds(3'900'000'000u)));
  m.payloads.push_back(RandPayload{Filler(16, 0x12)});
  m.payloads.push_back(IdrPayload::Uri(IdRole::kIdri, "sip:alice@example.org"));
  m.payloads.push_back(IdrPayload::Uri(IdRole::kIdrr, "sip:bob@example.org"));
  m.payloads.push_back(IdrPayload::Uri(IdRole::kIdrkmsi, "kms.example.org"));
  m.payloads.push_back(IdrPayload::Uri(IdRole::kIdrkmsr, "kms.example.org"));
  m.payloads.push_back(SakkePayload{1, 2, Filler(273, 0x42)});
  m.payloads.push_back(SignPayload{2, Filler(129, 0x82)});
  return m;
}

}  // namespace kb::mikey::testing
