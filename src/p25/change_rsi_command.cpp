// TIA-102.AACA 10.3 Change-RSI-Command body.
#include "p25/change_rsi_command.h"

namespace kb::p25 {

Status ChangeRsiCommand::EncodeBody(ByteWriter& w) const {
  if (old_rsi > 0xFFFFFF || new_rsi > 0xFFFFFF) {
    return Fail(Error::InvalidArgument("Change-RSI-Command: RSI wider than 24 bits"));
  }
  w.U8(change_sequence).U24(old_rsi).U24(new_rsi).U16(message_number);
  return Ok();
}

Result<ChangeRsiCommand> ChangeRsiCommand::DecodeBody(ByteReader& r) {
  ChangeRsiCommand c;
  KB_TRY(c.change_sequence, r.U8("Change Sequence"));
  KB_TRY(c.old_rsi, r.U24("Old RSI"));
  KB_TRY(c.new_rsi, r.U24("New RSI"));
  KB_TRY(c.message_number, r.U16("Message Number"));
  return c;
}

}  // namespace kb::p25
