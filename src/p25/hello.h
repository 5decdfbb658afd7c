// TIA-102.AACA 10.3 Hello (0x0C), SU -> KMF: identification or rekey request (dvmhost flags).
#pragma once

#include "core/bytes.h"
#include "p25/message_id.h"

namespace kb::p25 {

// Flag(1): 0x00 identification only, 0x01 rekey request (SU holds a UKEK), 0x02 rekey request
// without a UKEK.
struct Hello {
  static constexpr MessageId kId = MessageId::kHello;
  static constexpr uint8_t kIdentification = 0x00;
  static constexpr uint8_t kRekeyRequestWithUkek = 0x01;
  static constexpr uint8_t kRekeyRequestNoUkek = 0x02;
  uint8_t flag = kIdentification;

  bool operator==(const Hello&) const = default;
  Status EncodeBody(ByteWriter& w) const {
    w.U8(flag);
    return Ok();
  }
  static Result<Hello> DecodeBody(ByteReader& r) {
    Hello h;
    KB_TRY(h.flag, r.U8("Hello Flag"));
    return h;
  }
};

}  // namespace kb::p25
