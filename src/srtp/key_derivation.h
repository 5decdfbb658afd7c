// RFC 3711 4.3 (SRTP key derivation, AES-CM PRF, key derivation rate 0) and TS 33.180 7.4 (the
// SRTP master key and salt from the MIKEY key, RFC 3830 4.1.3), for AEAD_AES_128_GCM (RFC 7714).
#pragma once

#include <cstdint>

#include "core/bytes.h"
#include "core/secret.h"
#include "crypto/kdf.h"

namespace kb::srtp {

inline constexpr size_t kMasterKeySize = 16;   // AEAD_AES_128_GCM
inline constexpr size_t kMasterSaltSize = 12;  // RFC 7714 12.1: 96-bit master salt
inline constexpr size_t kSessionKeySize = 16;
inline constexpr size_t kSessionSaltSize = 12;

// RFC 3711 4.3.1 labels.
enum class KeyLabel : uint8_t {
  kSrtpEncryption = 0x00,
  kSrtpAuthentication = 0x01,
  kSrtpSalt = 0x02,
  kSrtcpEncryption = 0x03,
  kSrtcpAuthentication = 0x04,
  kSrtcpSalt = 0x05,
};

// RFC 3711 4.3.1/4.3.3 with KDR 0: AES-CM keystream of out_len octets under master_key with
// IV = (label << 48 XOR master_salt) << 16. master_salt must be 14 octets (112 bits); use
// SaltForKdf for a 12-octet GCM salt. kInvalidArgument for other sizes or out_len > 2^20.
Result<SecretBytes> DeriveSessionKey(ByteView master_key, ByteView master_salt_112, KeyLabel label,
                                     size_t out_len);

// The 96-bit GCM master salt extended to the 112 bits the RFC 3711 PRF takes: two zero octets
// appended (libsrtp's convention; see docs/srtp.md). A 14-octet salt is returned unchanged.
Result<SecretBytes> SaltForKdf(ByteView master_salt);

// The SRTP master key (16 octets) and master salt (12 octets) for one MIKEY key.
struct MasterKeyMaterial {
  SecretBytes key;
  SecretBytes salt;
};

// TS 33.180 7.4: key = PRF(tgk, 0x2AD01C64 || CS-ID || CSB-ID || RAND) and salt = PRF(tgk,
// 0x39A2C14B || ...). tgk is the GMK or PCK; csb_id the GUK-ID (GMK) or PCK-ID (PCK); rand the
// RAND of the I_MESSAGE that carried the key.
MasterKeyMaterial DeriveMasterKey(crypto::MikeyPrfFunc prf, ByteView tgk, uint8_t cs_id,
                                  uint32_t csb_id, ByteView rand);

// TS 33.180 7.4.1 / 7.4.2 MKI values: a 4-octet key identifier (PCK-ID, CSK-ID), and the
// 8-octet GMK-ID || GUK-ID of group media.
Bytes KeyIdMki(uint32_t key_id);
Bytes GmkMki(uint32_t gmk_id, uint32_t guk_id);

}  // namespace kb::srtp
