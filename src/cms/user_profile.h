// TS 24.484 (MCPTT user profile configuration document, a subset) with the keybridge LMR root
// key element (an extension in its own namespace, NOT 3GPP; seed pCR for TS 23.283 "user root
// key distribution"). Element choices: docs/cms.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "mikey/lmr_root_key_extension.h"

namespace kb::cms {

// The TS 24.484 MCPTT user profile namespace and root element.
inline constexpr std::string_view kUserProfileNs = "urn:3gpp:mcptt:user-profile:1.0";
inline constexpr std::string_view kUserProfileRoot = "mcptt-user-profile";
// keybridge extension namespace (not 3GPP) and its element.
inline constexpr std::string_view kLmrRootKeyNs = "urn:keybridge:ns:lmr-root-key:1.0";
inline constexpr std::string_view kLmrRootKeyElement = "lmr-root-key";
inline constexpr std::string_view kLmrRootKeyPrefix = "lrk";

// The largest profile document the parser accepts.
inline constexpr size_t kMaxUserProfileBytes = 256 * 1024;

// keybridge extension: an LMR root key for this user, as the IWF wrote it: the base64
// I_MESSAGE (mikey/lmr_root_key_message.h) and, in the clear, what it carries.
struct LmrRootKeyElement {
  mikey::LmrType lmr_type = mikey::LmrType::kP25;
  uint8_t algid = 0;
  uint16_t kid = 0;
  std::string key_name;
  uint32_t rotation_serial = 0;
  std::string iwf_uri;  // who wrote it
  Bytes i_message;

  friend bool operator==(const LmrRootKeyElement&, const LmrRootKeyElement&) = default;
};

struct UserProfile {
  std::string mc_id;           // XUI-URI attribute and Common/MCPTTUserID/uri-entry
  uint32_t profile_index = 0;  // user-profile-index attribute
  std::string profile_name;    // ProfileName (optional: empty = absent)
  // "URI of LMR key management functional entity" (TS 23.379 A.3; element name assumed).
  std::string lmr_kmf_uri;
  std::string kms_uri;                           // the KMS URI (TS 33.180; element name assumed)
  std::vector<LmrRootKeyElement> lmr_root_keys;  // at most one per LMR type

  friend bool operator==(const UserProfile&, const UserProfile&) = default;
};

// Parses a profile document. kMalformed names the element or attribute at fault; unknown
// elements are ignored (the CMS keeps the document itself, this is a view of it).
Result<UserProfile> ParseUserProfile(std::string_view xml);
// Serialises a profile (UTF-8, two-space indent). Fails for an empty MC ID.
Result<std::string> SerializeUserProfile(const UserProfile& profile);

// The root key element alone (with its namespace declared), as an XCAP PUT body.
Result<std::string> SerializeLmrRootKeyElement(const LmrRootKeyElement& element);
Result<LmrRootKeyElement> ParseLmrRootKeyElement(std::string_view xml);

// Checks that the element's I_MESSAGE is an LMR root key message (purpose tag 15) whose signed
// extension carries the same LMR type, ALGID, KID, name and rotation serial as the clear
// attributes. Without the keys this cannot verify the signature; the client does that with
// OpenRootKeyIMessage and should compare again.
Status CheckLmrRootKeyElement(const LmrRootKeyElement& element);

}  // namespace kb::cms
