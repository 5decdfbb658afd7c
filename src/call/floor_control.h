// TS 24.380 8.2 (layout basics): MCPTT floor control messages in RTCP APP packets (RFC 3550 6.7,
// name "MCPT", subtype = message type) with TLV fields padded to 32 bits, and a minimal floor
// arbitrator (one talker at a time, TS 24.380 6.3 reduced to idle/taken). The field IDs and cause
// values are from public descriptions of TS 24.380, not checked against the text (docs/calls.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/bytes.h"
#include "core/error.h"

namespace kb::call {

inline constexpr uint8_t kRtcpApp = 204;

// 8.2.2 message types (the 5-bit subtype without the acknowledgement bit).
enum class FloorMessageType : uint8_t {
  kRequest = 0,
  kGranted = 1,
  kTaken = 2,
  kDeny = 3,
  kRelease = 4,
  kIdle = 5,
};

// 8.2.3 field IDs used here.
inline constexpr uint8_t kFieldFloorPriority = 0;
inline constexpr uint8_t kFieldDuration = 1;
inline constexpr uint8_t kFieldRejectCause = 2;
inline constexpr uint8_t kFieldGrantedPartyIdentity = 4;
inline constexpr uint8_t kFieldUserId = 6;

// 8.2.6.2 Floor Deny reject cause 1: another MC user has permission.
inline constexpr uint16_t kRejectAnotherUserHasPermission = 1;

struct FloorMessage {
  FloorMessageType type = FloorMessageType::kRequest;
  bool ack_required = false;
  uint32_t ssrc = 0;  // of the floor participant (or the controller)
  std::optional<uint8_t> priority;
  std::optional<uint16_t> duration_seconds;
  std::optional<uint16_t> reject_cause;
  std::string reject_phrase;
  std::string user_id;                 // MC ID of the requester / releaser (User ID field)
  std::string granted_party_identity;  // Floor Taken

  Bytes Encode() const;
  // Errors name the field and offset: not version 2, not APP, not "MCPT", a length that does not
  // match, a field running past the packet, an unknown subtype.
  static Result<FloorMessage> Decode(ByteView packet);
  friend bool operator==(const FloorMessage&, const FloorMessage&) = default;
};

// One talker at a time. Request: Granted (to the requester) when idle or already its own, else
// Deny with cause 1; Release by the holder: Idle. Release by anyone else is ignored.
class FloorArbitrator {
 public:
  explicit FloorArbitrator(uint32_t controller_ssrc, uint16_t grant_seconds = 30)
      : ssrc_(controller_ssrc), grant_seconds_(grant_seconds) {}
  std::optional<FloorMessage> Handle(const FloorMessage& in);
  std::optional<std::string> holder() const { return holder_; }

 private:
  uint32_t ssrc_;
  uint16_t grant_seconds_;
  std::optional<std::string> holder_;
};

}  // namespace kb::call
