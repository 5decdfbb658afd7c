// TIA-102.AACA 10.2 KMM Message ID values (merged from KFDtool, dvmhost and an EFJohnson manual).
#pragma once

#include <cstdint>
#include <string_view>

namespace kb::p25 {

enum class MessageId : uint8_t {
  kNull = 0x00,
  kCapabilitiesCommand = 0x01,
  kCapabilitiesResponse = 0x02,
  kChangeRsiCommand = 0x03,
  kChangeRsiResponse = 0x04,
  kChangeoverCommand = 0x05,
  kChangeoverResponse = 0x06,
  kDelayedAcknowledgment = 0x07,
  kDeleteKeyCommand = 0x08,
  kDeleteKeyResponse = 0x09,
  kDeleteKeysetCommand = 0x0A,
  kDeleteKeysetResponse = 0x0B,
  kHello = 0x0C,
  kInventoryCommand = 0x0D,
  kInventoryResponse = 0x0E,
  kKeyAssignmentCommand = 0x0F,
  kKeyAssignmentResponse = 0x10,
  kModifyKeyCommand = 0x13,
  kModifyKeysetAttributesCommand = 0x14,
  kModifyKeysetAttributesResponse = 0x15,
  kNegativeAcknowledgment = 0x16,
  kNoService = 0x17,
  kRekeyAcknowledgment = 0x1D,
  kRekeyCommand = 0x1E,
  kSetDateTime = 0x1F,
  kWarmStartCommand = 0x20,
  kZeroizeCommand = 0x21,
  kZeroizeResponse = 0x22,
  kDeregistrationCommand = 0x23,
  kDeregistrationResponse = 0x24,
  kRegistrationCommand = 0x25,
  kRegistrationResponse = 0x26,
  kUnableToDecryptResponse = 0x27,
  kLoadAuthKeyCommand = 0x28,
  kLoadAuthKeyResponse = 0x29,
  kDeleteAuthKeyCommand = 0x2A,
  kDeleteAuthKeyResponse = 0x2B,
  kSessionControl = 0x31,
  kLoadConfigResponse = 0xFC,  // Motorola-specific
  kLoadConfigCommand = 0xFD,   // Motorola-specific
};

// The standard's name of a message ID, or "unknown".
std::string_view MessageIdName(MessageId id);

}  // namespace kb::p25
