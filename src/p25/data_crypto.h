// TIA-102.AAAD data encryption for ALGID 0x84 (AES-256): encrypted data PDUs and encrypted KMMs
// (SAP 0x29). AES-256-OFB with IV = MI[0..7] || LFSR64(MI[0..7]); the first 16 keystream octets
// are discarded and the keystream continues contiguously over the whole message.
#pragma once

#include "core/bytes.h"
#include "p25/message_indicator.h"

namespace kb::p25 {

// Encrypts the octets of a data PDU or KMM with a 32-octet AES-256 TEK/KEK. kInvalidArgument for
// another key length or an all-zero MI.
Result<Bytes> EncryptData(ByteView key, const MessageIndicator& mi, ByteView plaintext);
// The inverse (OFB is its own inverse; no integrity check: the KMM MAC provides that).
Result<Bytes> DecryptData(ByteView key, const MessageIndicator& mi, ByteView ciphertext);

}  // namespace kb::p25
