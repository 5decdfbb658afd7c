// TIA-102.AACD Session-Control (0x31): brackets a keyload session (KFDtool layout).
#pragma once

#include "core/bytes.h"
#include "p25/message_id.h"

namespace kb::p25 {

// Version(1) = 0x00 · Opcode(1) (1 ReadyRequest .. 7 DisconnectAck) · SourceDeviceType(1)
// (1 KFD, 2 MR).
struct SessionControl {
  static constexpr MessageId kId = MessageId::kSessionControl;
  uint8_t version = 0x00;
  uint8_t opcode = 0;
  uint8_t source_device_type = 0;

  bool operator==(const SessionControl&) const = default;
  Status EncodeBody(ByteWriter& w) const {
    w.U8(version).U8(opcode).U8(source_device_type);
    return Ok();
  }
  static Result<SessionControl> DecodeBody(ByteReader& r) {
    SessionControl s;
    KB_TRY(s.version, r.U8("Session Control Version"));
    KB_TRY(s.opcode, r.U8("Session Control Opcode"));
    KB_TRY(s.source_device_type, r.U8("Source Device Type"));
    return s;
  }
};

}  // namespace kb::p25
