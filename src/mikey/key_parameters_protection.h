// TS 33.180 E.6 / 8.5.4 / F.1: sealing and opening the key parameters of General Extension
// type 7 with AES-128-GCM under DPCK = KDF(DPPK, FC 0x53, P0 = DPPK-ID), DPPK-ID = CSB-ID.
#pragma once

#include <cstdint>

#include "core/bytes.h"
#include "core/ntp_time.h"
#include "core/secret.h"
#include "mikey/key_parameters.h"
#include "mikey/protected_payload.h"

namespace kb::mikey {

inline constexpr uint8_t kDpckFc = 0x53;

// DPCK: the 128 least significant bits of KDF(key = DPPK, FC 0x53, P0 = DPPK-ID (4 octets)).
SecretBytes DeriveDpck(const SecretBytes& dppk, uint32_t dppk_id);

// Encrypts the key parameters under the DPPK (the distributed key) for DPPK-ID (the CSB-ID).
// date_time is the 40-bit date and time field (NTP-UTC seconds); iv is 16 octets, or empty for
// a random one.
Result<ProtectedPayload> SealKeyParameters(const KeyParameters& params, const SecretBytes& dppk,
                                           uint32_t dppk_id, NtpTime date_time, ByteView iv = {});

// Decrypts and parses the key parameters. Fails with kMalformed when DPPK-ID differs from
// expected_dppk_id, kUnsupported for another algorithm or IE type, kCryptoFailure when the GCM
// tag does not verify.
Result<KeyParameters> OpenKeyParameters(const ProtectedPayload& payload, const SecretBytes& dppk,
                                        uint32_t expected_dppk_id);

}  // namespace kb::mikey
