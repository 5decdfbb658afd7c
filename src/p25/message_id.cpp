// TIA-102.AACA 10.2 KMM Message ID names.
#include "p25/message_id.h"

namespace kb::p25 {

std::string_view MessageIdName(MessageId id) {
  switch (id) {
    case MessageId::kNull:
      return "Null";
    case MessageId::kCapabilitiesCommand:
      return "Capabilities-Command";
    case MessageId::kCapabilitiesResponse:
      return "Capabilities-Response";
    case MessageId::kChangeRsiCommand:
      return "Change-RSI-Command";
    case MessageId::kChangeRsiResponse:
      return "Change-RSI-Response";
    case MessageId::kChangeoverCommand:
      return "Changeover-Command";
    case MessageId::kChangeoverResponse:
      return "Changeover-Response";
    case MessageId::kDelayedAcknowledgment:
      return "Delayed-Acknowledgment";
    case MessageId::kDeleteKeyCommand:
      return "Delete-Key-Command";
    case MessageId::kDeleteKeyResponse:
      return "Delete-Key-Response";
    case MessageId::kDeleteKeysetCommand:
      return "Delete-Keyset-Command";
    case MessageId::kDeleteKeysetResponse:
      return "Delete-Keyset-Response";
    case MessageId::kHello:
      return "Hello";
    case MessageId::kInventoryCommand:
      return "Inventory-Command";
    case MessageId::kInventoryResponse:
      return "Inventory-Response";
    case MessageId::kKeyAssignmentCommand:
      return "Key-Assignment-Command";
    case MessageId::kKeyAssignmentResponse:
      return "Key-Assignment-Response";
    case MessageId::kModifyKeyCommand:
      return "Modify-Key-Command";
    case MessageId::kModifyKeysetAttributesCommand:
      return "Modify-Keyset-Attributes-Command";
    case MessageId::kModifyKeysetAttributesResponse:
      return "Modify-Keyset-Attributes-Response";
    case MessageId::kNegativeAcknowledgment:
      return "Negative-Acknowledgment";
    case MessageId::kNoService:
      return "No-Service";
    case MessageId::kRekeyAcknowledgment:
      return "Rekey-Acknowledgment";
    case MessageId::kRekeyCommand:
      return "Rekey-Command";
    case MessageId::kSetDateTime:
      return "Set-Date-Time";
    case MessageId::kWarmStartCommand:
      return "Warm-Start-Command";
    case MessageId::kZeroizeCommand:
      return "Zeroize-Command";
    case MessageId::kZeroizeResponse:
      return "Zeroize-Response";
    case MessageId::kDeregistrationCommand:
      return "Deregistration-Command";
    case MessageId::kDeregistrationResponse:
      return "Deregistration-Response";
    case MessageId::kRegistrationCommand:
      return "Registration-Command";
    case MessageId::kRegistrationResponse:
      return "Registration-Response";
    case MessageId::kUnableToDecryptResponse:
      return "Unable-to-Decrypt-Response";
    case MessageId::kLoadAuthKeyCommand:
      return "Load-Auth-Key-Command";
    case MessageId::kLoadAuthKeyResponse:
      return "Load-Auth-Key-Response";
    case MessageId::kDeleteAuthKeyCommand:
      return "Delete-Auth-Key-Command";
    case MessageId::kDeleteAuthKeyResponse:
      return "Delete-Auth-Key-Response";
    case MessageId::kSessionControl:
      return "Session-Control";
    case MessageId::kLoadConfigResponse:
      return "Load-Config-Response";
    case MessageId::kLoadConfigCommand:
      return "Load-Config-Command";
  }
  return "unknown";
}

}  // namespace kb::p25
