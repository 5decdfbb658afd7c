// Sample TS 24.484 user profiles with the keybridge LMR root key element for the CMS tests.
// The I_MESSAGE is built with the codec (filler SAKKE data and signature, a real extension).
#pragma once

#include "cms/user_profile.h"
#include "mikey/i_message.h"
#include "mikey/lmr_root_key_extension.h"

namespace kb::cms::testing {

inline Bytes Filler(size_t n, uint8_t seed) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(seed + i * 7);
  return b;
}

inline mikey::RootKeyInfo SampleInfo() {
  return {mikey::LmrType::kP25, mikey::RootKeyKind::kP25Ukek, 0x84, 0x1234, 7, "ALICE-UKEK-1"};
}

// A root key I_MESSAGE shape from the IWF to Alice.
inline Bytes SampleRootKeyMessage(const mikey::RootKeyInfo& info = SampleInfo()) {
  using namespace mikey;
  IMessage m;
  m.hdr.csb_id = 0xF2A5C3E1;
  m.payloads.push_back(TimestampPayload::NtpUtc(NtpTime::FromSeconds(3'900'000'000u)));
  m.payloads.push_back(RandPayload{Filler(16, 1)});
  m.payloads.push_back(IdrPayload::Uri(IdRole::kIdri, "sip:iwf@lmr.example.org"));
  m.payloads.push_back(IdrPayload::Uri(IdRole::kIdrr, "sip:alice@example.org"));
  m.payloads.push_back(IdrPayload::Uri(IdRole::kIdrkmsi, "kms.example.org"));
  m.payloads.push_back(IdrPayload::Uri(IdRole::kIdrkmsr, "kms.example.org"));
  m.payloads.push_back(SakkePayload{1, 2, Filler(273, 2)});
  SecretBytes ssv(16), key(32);
  auto ext = SealRootKey(info, key, ssv, m.hdr.csb_id);
  m.payloads.push_back(GeneralExtension{kLmrRootKeyExtensionType, *ext->Encode()});
  m.payloads.push_back(SignPayload{2, Filler(129, 3)});
  return *m.Encode();
}

inline LmrRootKeyElement SampleRootKeyElement() {
  LmrRootKeyElement e;
  e.lmr_type = mikey::LmrType::kP25;
  e.algid = 0x84;
  e.kid = 0x1234;
  e.key_name = "ALICE-UKEK-1";
  e.rotation_serial = 7;
  e.iwf_uri = "sip:iwf@lmr.example.org";
  e.i_message = SampleRootKeyMessage();
  return e;
}

inline UserProfile SampleProfile(bool with_root_key = true) {
  UserProfile p;
  p.mc_id = "sip:alice@example.org";
  p.profile_index = 1;
  p.profile_name = "Alice (default)";
  p.lmr_kmf_uri = "sip:kmf@lmr.example.org";
  p.kms_uri = "https://kms.example.org";
  if (with_root_key) p.lmr_root_keys.push_back(SampleRootKeyElement());
  return p;
}

}  // namespace kb::cms::testing
