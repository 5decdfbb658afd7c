// TIA-102.AACA 10 KMM: a frame with a typed body, and the Decode/Encode dispatch on Message ID.
#pragma once

#include <optional>
#include <variant>

#include "p25/change_rsi_command.h"
#include "p25/change_rsi_response.h"
#include "p25/changeover_command.h"
#include "p25/changeover_response.h"
#include "p25/delete_key_command.h"
#include "p25/delete_key_response.h"
#include "p25/delete_keyset_command.h"
#include "p25/delete_keyset_response.h"
#include "p25/deregistration_command.h"
#include "p25/deregistration_response.h"
#include "p25/hello.h"
#include "p25/inventory_command.h"
#include "p25/inventory_response.h"
#include "p25/kmm_frame.h"
#include "p25/load_config_command.h"
#include "p25/load_config_response.h"
#include "p25/modify_key_command.h"
#include "p25/negative_acknowledgment.h"
#include "p25/no_service.h"
#include "p25/registration_command.h"
#include "p25/registration_response.h"
#include "p25/rekey_acknowledgment.h"
#include "p25/rekey_command.h"
#include "p25/session_control.h"
#include "p25/unable_to_decrypt_response.h"
#include "p25/warm_start_command.h"
#include "p25/zeroize_command.h"
#include "p25/zeroize_response.h"

namespace kb::p25 {

using KmmBody =
    std::variant<ChangeRsiCommand, ChangeRsiResponse, ChangeoverCommand, ChangeoverResponse,
                 DeleteKeyCommand, DeleteKeyResponse, DeleteKeysetCommand, DeleteKeysetResponse,
                 DeregistrationCommand, DeregistrationResponse, Hello, InventoryCommand,
                 InventoryResponse, LoadConfigCommand, LoadConfigResponse, ModifyKeyCommand,
                 NegativeAcknowledgment, NoService, RegistrationCommand, RegistrationResponse,
                 RekeyAcknowledgment, RekeyCommand, SessionControl, UnableToDecryptResponse,
                 WarmStartCommand, ZeroizeCommand, ZeroizeResponse>;

// The Message ID of a body.
MessageId MessageIdOf(const KmmBody& body);

// True when keybridge has a body codec for this Message ID.
bool IsKnownMessageId(MessageId id);

// A deep copy of a body (bodies holding keys are move-only).
KmmBody CloneKmmBody(const KmmBody& body);

// A decoded KMM. header.message_id is ignored on encode (the body decides it).
struct Kmm {
  KmmHeader header;
  KmmBody body;
  std::optional<MacTrailer> mac;

  bool operator==(const Kmm&) const = default;
  Kmm Clone() const { return {header, CloneKmmBody(body), mac}; }

  // Decodes the frame, then the body its Message ID names; errors name the field and its
  // absolute offset in the KMM. An ID without a body codec fails with kUnsupported.
  static Result<Kmm> Decode(ByteView kmm);
  // Encodes the body and the frame; the length and format octets are derived.
  Result<Bytes> Encode() const;
};

// Encodes header, body and MAC trailer (header.message_id is taken from the body).
Result<Bytes> EncodeKmm(const KmmHeader& header, const KmmBody& body,
                        const std::optional<MacTrailer>& mac);

// Decodes the body of an already decoded frame.
Result<KmmBody> DecodeKmmBody(const KmmFrame& frame);
// Encodes a body alone.
Result<Bytes> EncodeKmmBody(const KmmBody& body);

}  // namespace kb::p25
