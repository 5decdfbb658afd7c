// RFC 4567 3.1: the key-mgmt attribute (prtcl-id "mikey", base64 data).
#include "call/key_mgmt.h"

#include "core/encoding.h"

namespace kb::call {

std::string KeyMgmtValue(ByteView mikey_message) { return "mikey " + ToBase64(mikey_message); }

Result<Bytes> ParseKeyMgmt(std::string_view value) {
  size_t space = value.find(' ');
  if (space == std::string_view::npos) {
    return Fail(Error::Malformed("SDP a=key-mgmt: expected '<prtcl-id> <data>'"));
  }
  std::string_view protocol = value.substr(0, space);
  if (protocol != "mikey") {
    return Fail(Error::Unsupported("SDP a=key-mgmt: protocol '" + std::string(protocol) +
                                   "' (only mikey)"));
  }
  std::string_view data = value.substr(space + 1);
  if (data.size() > (kMaxKeyMgmtMessage * 4) / 3 + 4) {
    return Fail(Error::Malformed("SDP a=key-mgmt: MIKEY data larger than 2048 octets"));
  }
  KB_TRY(auto message, FromBase64(data, "SDP a=key-mgmt MIKEY data"));
  if (message.empty()) return Fail(Error::Malformed("SDP a=key-mgmt: empty MIKEY message"));
  return message;
}

}  // namespace kb::call
