// Key derivation functions: the TS 33.220 Annex B generic KDF (HMAC-SHA-256) as TS 33.180
// Annex F uses it, the MIKEY PRF (RFC 3830 4.1.2/4.1.3 with PRF-HMAC-SHA-256 of RFC 6043 6.1,
// and the HMAC-SHA1 MIKEY-1 PRF), and NIST SP 800-108 counter mode with HMAC-SHA-256.
#pragma once

#include <initializer_list>

#include "core/bytes.h"
#include "core/secret.h"

namespace kb::crypto {

// S = FC || P0 || L0 || P1 || L1 || ..., each Li the 2-octet length of Pi.
Bytes Kdf33220Input(uint8_t fc, std::initializer_list<ByteView> params);
// HMAC-SHA-256(key, S): the 32-octet output. TS 33.180 takes the 128 least significant bits
// (the last 16 octets) when a 128-bit key is needed.
SecretBytes Kdf33220(ByteView key, uint8_t fc, std::initializer_list<ByteView> params);

enum class MikeyPrfFunc : uint8_t {
  kHmacSha1 = 0,    // MIKEY-1 (RFC 3830 4.1.2)
  kHmacSha256 = 1,  // PRF-HMAC-SHA-256 (RFC 6043 6.1), mandatory in TS 33.180
};

// PRF(inkey, label) truncated to out_len octets (RFC 3830 4.1.2).
SecretBytes MikeyPrf(MikeyPrfFunc func, ByteView inkey, ByteView label, size_t out_len);

// RFC 3830 4.1.3 constants for the label const || CS-ID || CSB-ID || RAND.
inline constexpr uint32_t kMikeyTekConst = 0x2AD01C64;
inline constexpr uint32_t kMikeySaltConst = 0x39A2C14B;
inline constexpr uint32_t kMikeyEncConst = 0x15798CEF;
inline constexpr uint32_t kMikeyAuthConst = 0x1B5C7973;

// The MIKEY key derivation of RFC 3830 4.1.3: PRF(tgk, const || cs_id || csb_id || rand).
SecretBytes MikeyDerive(MikeyPrfFunc func, ByteView tgk, uint32_t constant, uint8_t cs_id,
                        uint32_t csb_id, ByteView rand, size_t out_len);

// SP 800-108 KDF in counter mode with HMAC-SHA-256: K(i) = HMAC(key, [i]_4 || label || 0x00 ||
// context || [L]_l), where L is the output length in bits encoded in length_octets octets
// (P25 OTAR uses 2, most others 4).
SecretBytes Sp800108CounterHmacSha256(ByteView key, ByteView label, ByteView context,
                                      size_t out_len, size_t length_octets = 4);

}  // namespace kb::crypto
