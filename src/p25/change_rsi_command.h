// TIA-102.AACA 10.3 Change-RSI-Command (0x03), KMF -> SU: replace an RSI and set the message
// number to use with the new one (KFDtool layout).
#pragma once

#include "core/bytes.h"
#include "p25/message_id.h"

namespace kb::p25 {

// ChangeSequence(1) · OldRSI(3) · NewRSI(3) · MessageNumber(2).
struct ChangeRsiCommand {
  static constexpr MessageId kId = MessageId::kChangeRsiCommand;
  uint8_t change_sequence = 0x01;
  uint32_t old_rsi = 0;
  uint32_t new_rsi = 0;
  uint16_t message_number = 0;

  bool operator==(const ChangeRsiCommand&) const = default;
  Status EncodeBody(ByteWriter& w) const;
  static Result<ChangeRsiCommand> DecodeBody(ByteReader& r);
};

}  // namespace kb::p25
