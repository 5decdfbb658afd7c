// FIPS 46-3 DES in OFB mode (FIPS 81 / SP 800-38A), for the legacy P25 ALGID 0x81 (DES-OFB).
// Single DES is broken; it exists here only to interoperate with deployed P25 radios.
#pragma once

#include "core/bytes.h"

namespace kb::crypto {

// DES-OFB keystream of n octets from an 8-octet key (parity bits ignored) and an 8-octet IV.
// Runs on OpenSSL's legacy provider, loaded into a private library context so the process-wide
// default providers are untouched. Fails with kUnsupported if the legacy provider is missing.
Result<Bytes> DesOfbKeystream(ByteView key8, ByteView iv8, size_t n);

}  // namespace kb::crypto
