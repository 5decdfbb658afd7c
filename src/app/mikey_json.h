// JSON views of MIKEY-SAKKE I_MESSAGEs (TS 33.180 Annex E) for `keybridge mikey decode/open`.
// Key values appear only where the caller asks for them (open prints the key it extracted).
#pragma once

#include <nlohmann/json.hpp>

#include "mikey/i_message.h"
#include "mikey/i_message_opener.h"
#include "mikey/lmr_root_key_message.h"

namespace kb::app {

// Every payload of a decoded message, in order, with every field.
nlohmann::json DescribeIMessage(const mikey::IMessage& message, size_t encoded_size);

// The result of opening a message. With include_key, "key" holds the key in hex and "srtp"
// the SRTP master key and salt derived from it (TS 33.180 7.4); otherwise "key_fingerprint"
// holds the first 8 octets of SHA-256(key), enough to compare two ends without revealing it.
nlohmann::json DescribeOpened(const mikey::OpenedIMessage& opened, bool include_key);

// An opened LMR root key message (keybridge extension): its clear fields, and the root key in
// hex with include_key, else its fingerprint.
nlohmann::json DescribeOpenedRootKey(const mikey::OpenedRootKey& opened, bool include_key);

const char* KeyTypeName(uint8_t purpose_tag);
nlohmann::json DescribeKeyParameters(const mikey::KeyParameters& kp);
std::string KeyFingerprint(const SecretBytes& key);

}  // namespace kb::app
