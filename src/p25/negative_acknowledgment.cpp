// TIA-102.AACA 10.3 Negative-Acknowledgment body.
#include "p25/negative_acknowledgment.h"

namespace kb::p25 {

Status NegativeAcknowledgment::EncodeBody(ByteWriter& w) const {
  w.U8(static_cast<uint8_t>(acknowledged_message_id)).U16(message_number);
  w.U8(static_cast<uint8_t>(status));
  return Ok();
}

Result<NegativeAcknowledgment> NegativeAcknowledgment::DecodeBody(ByteReader& r) {
  NegativeAcknowledgment n;
  KB_TRY(uint8_t id, r.U8("Acknowledged Message ID"));
  n.acknowledged_message_id = static_cast<MessageId>(id);
  KB_TRY(n.message_number, r.U16("Message Number"));
  KB_TRY(uint8_t st, r.U8("Status"));
  n.status = static_cast<OperationStatus>(st);
  return n;
}

}  // namespace kb::p25
