// TIA-102.AAAD / AACA encrypted KMM (SAP 0x29): the 13-octet Auxiliary Encryption Sync header
// (MI, ALGID, KID, inner SAP) followed by the KMM encrypted with the data keystream (AES-256-OFB,
// IV = MI[0..7] || LFSR64(MI[0..7]), the first 16 keystream octets discarded).
#pragma once

#include <cstdint>

#include "core/bytes.h"
#include "core/secret.h"
#include "p25/key_item.h"

namespace kb::p25 {

inline constexpr uint8_t kSapUnencryptedKmm = 0x28;
inline constexpr uint8_t kSapEncryptedKmm = 0x29;
inline constexpr size_t kAuxiliaryEncryptionHeaderSize = 13;

// MI(9) · ALGID(1) · KID(2) · reserved(2 bits) | inner SAP(6 bits).
struct AuxiliaryEncryptionHeader {
  MessageIndicator mi{};
  uint8_t algid = 0;
  uint16_t kid = 0;
  uint8_t inner_sap = kSapUnencryptedKmm;  // 6 bits
  uint8_t reserved = 0;                    // the octet's top 2 bits

  bool operator==(const AuxiliaryEncryptionHeader&) const = default;
};

Result<AuxiliaryEncryptionHeader> DecodeAuxiliaryEncryptionHeader(ByteReader& r);
Status EncodeAuxiliaryEncryptionHeader(const AuxiliaryEncryptionHeader& h, ByteWriter& w);

// An encrypted KMM split into its header and ciphertext.
struct EncryptedKmm {
  AuxiliaryEncryptionHeader header;
  Bytes ciphertext;
};
Result<EncryptedKmm> DecodeEncryptedKmm(ByteView user_data);

// The 16-octet AES IV of the P25 data keystream: MI[0..7] || LFSR64(MI[0..7]).
Bytes ExpandMiToAesIv(const MessageIndicator& mi);

// header || (kmm XOR keystream). Fails with kUnsupported for an ALGID other than 0x84 and with
// kInvalidArgument for an all-zero MI.
Result<Bytes> EncryptKmm(const SecretBytes& key, const AuxiliaryEncryptionHeader& header,
                         ByteView kmm);
// The plaintext KMM of an encrypted KMM whose key the caller looked up by header.kid.
Result<Bytes> DecryptKmm(const SecretBytes& key, const EncryptedKmm& encrypted);

// True when the first 8 MI octets (those that seed the LFSR) are all zero.
bool MiIsAllZeros(const MessageIndicator& mi);

}  // namespace kb::p25
