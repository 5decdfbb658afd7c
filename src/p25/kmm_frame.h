// TIA-102.AACA 10.1 KMM frame: the 10-octet header (Message ID, Message Length = total - 3,
// Message Format, Destination RSI, Source RSI), the optional Message Number, the body and the
// optional MAC trailer (MAC, MAC length, MAC ALGID, MAC KID, MAC format).
#pragma once

#include <cstdint>
#include <optional>

#include "core/bytes.h"
#include "p25/message_id.h"

namespace kb::p25 {

// Message Format bits 7-6.
enum class ResponseKind : uint8_t { kNone = 0, kDelayed = 1, kImmediate = 2 };

// MAC trailer format octet.
enum class MacFormat : uint8_t { kCbcMac = 0x40, kCmac = 0x41 };

inline constexpr size_t kKmmHeaderSize = 10;
inline constexpr size_t kEnhancedMacSize = 8;      // MAC type 10 (AES)
inline constexpr size_t kDesMacSize = 4;           // MAC type 11
inline constexpr size_t kMacTrailerFixedSize = 5;  // length, ALGID, KID, format

// Everything in front of the body except the length, which the encoder derives.
struct KmmHeader {
  MessageId message_id = MessageId::kNull;
  ResponseKind response_kind = ResponseKind::kNone;
  bool reserved_bit = false;     // Message Format bit 1
  bool done_bit = false;         // Message Format bit 0 (meaning unconfirmed; carried as is)
  uint32_t destination_rsi = 0;  // 24 bits
  uint32_t source_rsi = 0;       // 24 bits
  std::optional<uint16_t> message_number;  // present when the MN bits are 10

  bool operator==(const KmmHeader&) const = default;
};

// The MAC trailer. mac has 8 octets (enhanced MAC) or 4 (DES-MAC); its size selects the MAC type.
struct MacTrailer {
  Bytes mac;
  uint8_t algid = 0;
  uint16_t kid = 0;
  uint8_t format = static_cast<uint8_t>(MacFormat::kCmac);

  bool operator==(const MacTrailer&) const = default;
};

// A KMM with its body still as octets: what the MAC, encryption and dispatch layers work on.
struct KmmFrame {
  KmmHeader header;
  Bytes body;
  std::optional<MacTrailer> mac;

  // Offset of the body within the encoded frame (10 or 12).
  size_t BodyOffset() const { return kKmmHeaderSize + (header.message_number ? 2 : 0); }
  bool operator==(const KmmFrame&) const = default;
};

// Decodes a whole KMM; checks the Message Length against the octet count and the MAC length
// octet against the MAC type. Errors name the field and its offset.
Result<KmmFrame> DecodeKmmFrame(ByteView kmm);

// Encodes a KMM; the Message Length and Message Format are derived. Fails (kInvalidArgument) on
// an RSI wider than 24 bits, a MAC of another size than 4 or 8, or a frame too long for the
// 16-bit length.
Result<Bytes> EncodeKmmFrame(const KmmFrame& frame);

// Where the MAC octets sit in an encoded KMM, found from the header alone.
struct MacLocation {
  size_t mac_offset = 0;   // first MAC octet
  size_t mac_size = 0;     // 8 or 4; 0 when the KMM carries no MAC
  size_t header_size = 0;  // 10 or 12: the octets the CMAC KDF context covers
};
Result<MacLocation> LocateMac(ByteView kmm);

}  // namespace kb::p25
