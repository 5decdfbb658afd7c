// TIA-102.AAAD Auxiliary Encryption Sync header of an encrypted data PDU / KMM (SAP 0x29):
// MI(9), ALGID(1), KID(2), then an octet whose low 6 bits are the inner SAP (13 octets).
#pragma once

#include <cstdint>

#include "core/bytes.h"
#include "p25/key_item.h"

namespace kb::p25 {

inline constexpr uint8_t kSapUnencryptedKmm = 0x28;
inline constexpr uint8_t kSapEncryptedKmm = 0x29;
inline constexpr size_t kAuxiliaryEncryptionHeaderSize = 13;

// MI(9) · ALGID(1) · KID(2) · reserved(2 bits) | inner SAP(6 bits).
struct AuxiliaryEncryptionHeader {
  MiOctets mi{};
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

}  // namespace kb::p25
