// TIA-102.AACA 10.3 Change-RSI-Response body.
#include "p25/change_rsi_response.h"

namespace kb::p25 {

Status ChangeRsiResponse::EncodeBody(ByteWriter& w) const {
  if (old_rsi > 0xFFFFFF || new_rsi > 0xFFFFFF) {
    return Fail(Error::InvalidArgument("Change-RSI-Response: RSI wider than 24 bits"));
  }
  w.U8(change_sequence).U24(old_rsi).U24(new_rsi).U8(static_cast<uint8_t>(status));
  return Ok();
}

Result<ChangeRsiResponse> ChangeRsiResponse::DecodeBody(ByteReader& r) {
  ChangeRsiResponse c;
  KB_TRY(c.change_sequence, r.U8("Change Sequence"));
  KB_TRY(c.old_rsi, r.U24("Old RSI"));
  KB_TRY(c.new_rsi, r.U24("New RSI"));
  KB_TRY(uint8_t st, r.U8("Status"));
  c.status = static_cast<OperationStatus>(st);
  return c;
}

}  // namespace kb::p25
