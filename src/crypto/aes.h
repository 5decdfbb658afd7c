// AES modes on OpenSSL: key wrap (RFC 3394, RFC 5649), CMAC (SP 800-38B), OFB, CBC-MAC (as
// P25 uses it), and GCM (SP 800-38D, any IV length). Keys of 16, 24 or 32 octets select
// AES-128/192/256.
#pragma once

#include "core/bytes.h"
#include "core/secret.h"

namespace kb::crypto {

// RFC 3394 with the default IV A6A6A6A6A6A6A6A6; plaintext a multiple of 8 octets, >= 16.
Result<Bytes> AesKeyWrap(ByteView kek, ByteView plaintext);
// Fails with kCryptoFailure when the integrity check fails.
Result<SecretBytes> AesKeyUnwrap(ByteView kek, ByteView wrapped);
// RFC 3394 with an explicit 8-octet IV (P25 CBC-MAC key derivation uses 00..00 || len16).
Result<Bytes> AesKeyWrapWithIv(ByteView kek, ByteView iv8, ByteView plaintext);

// RFC 5649 (with padding): any plaintext length from 1 octet.
Result<Bytes> AesKeyWrapPad(ByteView kek, ByteView plaintext);
Result<SecretBytes> AesKeyUnwrapPad(ByteView kek, ByteView wrapped);

// AES-CMAC (SP 800-38B, RFC 4493), 16-octet tag.
Result<Bytes> AesCmac(ByteView key, ByteView data);

// AES-CBC with a zero IV over data zero-padded to a block; returns the last ciphertext block.
Result<Bytes> AesCbcMac(ByteView key, ByteView data);

// AES-OFB keystream of n octets from a 16-octet IV.
Result<Bytes> AesOfbKeystream(ByteView key, ByteView iv16, size_t n);
// data XOR keystream (OFB is its own inverse).
Result<Bytes> AesOfb(ByteView key, ByteView iv16, ByteView data);

// One AES block encryption (ECB of 16 octets), for counter-mode constructions.
Result<Bytes> AesEncryptBlock(ByteView key, ByteView block16);

// AES-GCM with any IV length (12 octets normally; TS 33.180 protected payloads use 16).
// Seal returns ciphertext || tag (tag_len octets, 16 by default).
Result<Bytes> AesGcmSeal(ByteView key, ByteView iv, ByteView aad, ByteView plaintext,
                         size_t tag_len = 16);
// Open takes ciphertext || tag; fails with kCryptoFailure when the tag does not verify.
Result<SecretBytes> AesGcmOpen(ByteView key, ByteView iv, ByteView aad, ByteView sealed,
                               size_t tag_len = 16);

}  // namespace kb::crypto
