// TIA-102.AACA 13.4 / 14.3.4-14.3.5 enhanced KMM MAC (8 octets, AES-256): CBC-MAC (format 0x40)
// with the key-wrap-derived key, and CMAC (format 0x41) with the SP 800-108 derived key (label
// "OTAR MAC", context = the KMM header and MN, L in 2 octets). The MAC covers the whole KMM
// except its 8 MAC octets; the 5 trailer octets stay in.
#pragma once

#include <cstdint>

#include "core/bytes.h"
#include "core/secret.h"
#include "p25/kmm.h"

namespace kb::p25 {

// CBC-MAC key: the last 32 octets of RFC 3394 Wrap(K, K) with IV 00..00 || mac_input_len (16 bits).
Result<SecretBytes> DeriveCbcMacKey(const SecretBytes& mac_key, size_t mac_input_len);
// CMAC key: HMAC-SHA-256(K, 00000001 || "OTAR MAC" || 00 || context || 0100).
SecretBytes DeriveCmacKey(const SecretBytes& mac_key, ByteView context);

// The 8-octet MAC of mac_input (the KMM without its MAC octets); kdf_context is the KMM's first
// 10 or 12 octets (used by CMAC only).
Result<Bytes> ComputeEnhancedMac(MacFormat format, const SecretBytes& mac_key, ByteView mac_input,
                                 ByteView kdf_context);

// The MAC trailer fields of an encoded KMM and the octets the MAC covers.
struct KmmMacView {
  ByteView mac;          // the 8 MAC octets as received
  Bytes mac_input;       // the KMM without them
  ByteView kdf_context;  // header (and MN)
  uint8_t algid = 0;
  uint16_t kid = 0;
  uint8_t format = 0;
};
// Fails with kMalformed/kTruncated on a bad frame, kNotFound when there is no MAC, and
// kUnsupported for a DES-MAC.
Result<KmmMacView> ViewKmmMac(ByteView kmm);

// Computes the MAC named by the trailer (format 0x40 or 0x41, ALGID 0x84) and writes it into
// the KMM's MAC octets in place.
Status SignKmm(std::span<uint8_t> kmm, const SecretBytes& mac_key);
// Recomputes the MAC and compares in constant time; kCryptoFailure when it differs, kUnsupported
// for an unknown MAC format or ALGID.
Status VerifyKmmMac(ByteView kmm, const SecretBytes& mac_key);

// Encodes a KMM with an enhanced MAC trailer (ALGID 0x84, the given KID and format) and signs it.
Result<Bytes> EncodeSignedKmm(const Kmm& kmm, MacFormat format, uint16_t mac_kid,
                              const SecretBytes& mac_key);

}  // namespace kb::p25
