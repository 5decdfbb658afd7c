// TIA-102.AAAD / AACA encrypted KMM (SAP 0x29): the 13-octet Auxiliary Encryption Sync header
// (MI, ALGID, KID, inner SAP) followed by the KMM encrypted with the data keystream (AES-256-OFB,
// IV = MI[0..7] || LFSR64(MI[0..7]), the first 16 keystream octets discarded).
#pragma once

#include <cstdint>

#include "core/bytes.h"
#include "core/secret.h"
#include "p25/auxiliary_encryption_header.h"

namespace kb::p25 {

// The 16-octet AES IV of the P25 data keystream: MI[0..7] || LFSR64(MI[0..7]).
Bytes ExpandMiToAesIv(const MiOctets& mi);

// header || (kmm XOR keystream). Fails with kUnsupported for an ALGID other than 0x84 and with
// kInvalidArgument for an all-zero MI.
Result<Bytes> EncryptKmm(const SecretBytes& key, const AuxiliaryEncryptionHeader& header,
                         ByteView kmm);
// The plaintext KMM of an encrypted KMM whose key the caller looked up by header.kid.
Result<Bytes> DecryptKmm(const SecretBytes& key, const EncryptedKmm& encrypted);

// True when the first 8 MI octets (those that seed the LFSR) are all zero.
bool MiIsAllZeros(const MiOctets& mi);

}  // namespace kb::p25
