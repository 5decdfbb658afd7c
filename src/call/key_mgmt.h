// RFC 4567 key management extensions for SDP: a=key-mgmt:mikey <base64 MIKEY message>, here the
// TS 33.180 PCK I_MESSAGE of a private call offer (E.3).
#pragma once

#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/error.h"

namespace kb::call {

inline constexpr std::string_view kKeyMgmtAttribute = "key-mgmt";
inline constexpr size_t kMaxKeyMgmtMessage = 2048;  // a PCK I_MESSAGE is ~700 octets

// The attribute value "mikey <base64>" for a MIKEY message.
std::string KeyMgmtValue(ByteView mikey_message);

// The MIKEY message of an attribute value. Errors: kUnsupported for a protocol other than
// "mikey", kMalformed for bad base64 or an empty / oversized message.
Result<Bytes> ParseKeyMgmt(std::string_view value);

}  // namespace kb::call
