// keybridge's SIP MESSAGE body carrying one GMK delivery from the GMS to a recipient (NOT a 3GPP
// format: TS 24.481 carries the GMK with the group document, whose stage-3 coding is not in the
// reference; docs/gms.md "Delivery"). Text lines "name: value"; the last is the I_MESSAGE in the
// RFC 4567 form, so `keybridge mikey open` reads that line as it is.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "gms/group.h"

namespace kb::gms {

inline constexpr std::string_view kGmkDeliveryContentType =
    "application/vnd.keybridge.gmk-delivery";

// "group-id: <id>\r\nrecipient: <uri>\r\ngmk-id: <8 hex>\r\nguk-id: <8 hex>\r\nrevision: <n>\r\n"
// "key-mgmt: mikey <base64>\r\n"
std::string EncodeGmkDelivery(const KeyDelivery& d);
// Errors name the missing or malformed line; at most 8 KiB.
Result<KeyDelivery> DecodeGmkDelivery(std::string_view body);

}  // namespace kb::gms
