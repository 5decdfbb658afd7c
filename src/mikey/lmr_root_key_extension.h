// keybridge extension (NOT TS 33.180): an LMR root key (P25 UKEK, TETRA KEK) carried in a
// MIKEY-SAKKE I_MESSAGE, in a keybridge-private General Extension (RFC 3830 6.15) with the
// key wrapped by RFC 3394 / RFC 5649 under a KEK derived from the SAKKE SSV. The wire format
// and every choice are in docs/lmr-root-key.md. Peers that do not know it must reject it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/secret.h"
#include "crypto/mc_identity.h"

namespace kb::mikey {

// ---- the private values on the wire (keybridge-private; not allocated by IANA or 3GPP) ----

// The purpose tag of the CSB-ID (TS 33.180 5.2.2 leaves 7-15 unassigned; 15 = keybridge LMR
// root key message). The value is outside crypto::PurposeTag's list on purpose.
inline constexpr uint8_t kLmrRootKeyPurposeTag = 0xF;
inline constexpr crypto::PurposeTag kLmrRootKeyType =
    static_cast<crypto::PurposeTag>(kLmrRootKeyPurposeTag);
// The General Extension type: 241, the first value of RFC 3830's private-use range 241-255.
inline constexpr uint8_t kLmrRootKeyExtensionType = 0xF1;
// The format version octet this code writes and reads.
inline constexpr uint8_t kLmrRootKeyFormatV1 = 0x01;
// The TS 33.220 Annex B KDF "FC" octet of the KEK derivation (keybridge-private).
inline constexpr uint8_t kLmrRootKeyKdfFc = 0xF1;
// P1 of the KEK derivation: a fixed label that separates it from any 3GPP use of the FC.
inline constexpr std::string_view kLmrRootKeyKdfLabel = "keybridge-lmr-root-key";

inline constexpr size_t kMinRootKeyBytes = 5;   // ADP (0xAA) is 40 bits
inline constexpr size_t kMaxRootKeyBytes = 64;  // well above AES-256 (32)
inline constexpr size_t kMaxRootKeyNameBytes = 255;

enum class LmrType : uint8_t {
  kP25 = 0x01,
  kTetra = 0x02,
};
enum class RootKeyKind : uint8_t {
  kP25Ukek = 0x01,   // P25 Unique Key Encryption Key
  kTetraKek = 0x02,  // TETRA (E2EE) Key Encryption Key
};
enum class RootKeyWrap : uint8_t {
  kRfc3394 = 0x01,  // 16- and 32-octet keys
  kRfc5649 = 0x02,  // every other length
};

const char* LmrTypeName(LmrType t);
const char* RootKeyKindName(RootKeyKind k);
const char* RootKeyWrapName(RootKeyWrap w);
// "p25" / "tetra" (case-insensitive).
Result<LmrType> ParseLmrType(std::string_view name);
// The kind that belongs to an LMR type (P25 -> UKEK, TETRA -> KEK).
RootKeyKind RootKeyKindFor(LmrType t);
// The wrap for a key length: RFC 3394 for 16 and 32 octets, RFC 5649 otherwise.
RootKeyWrap RootKeyWrapFor(size_t key_bytes);

// The clear description of the root key (signed, not secret).
struct RootKeyInfo {
  LmrType lmr_type = LmrType::kP25;
  RootKeyKind key_kind = RootKeyKind::kP25Ukek;
  uint8_t algid = 0;
  uint16_t kid = 0;
  uint32_t rotation_serial = 0;  // grows with each new root key for this user
  std::string key_name;          // UTF-8, no control characters, at most 255 octets

  friend bool operator==(const RootKeyInfo&, const RootKeyInfo&) = default;
};

// Checks the clear fields: known LMR type and kind, kind matching the type, the name rule.
Status CheckRootKeyInfo(const RootKeyInfo& info);
// For the P25 ALGIDs whose key length is known (0x81 DES 8, 0x82 16, 0x83 24, 0x84 AES-256
// 32, 0x85 AES-128 16, 0xAA ADP 5), the length must match; other ALGIDs and TETRA: any
// length in [kMinRootKeyBytes, kMaxRootKeyBytes].
Status CheckRootKeyLength(const RootKeyInfo& info, size_t key_bytes);

// The extension data (General Extension type 0xF1), format version 1:
//   version (1) | LMR type (1) | key kind (1) | ALGID (1) | KID (2) | rotation serial (4) |
//   key name length (1) | key name | wrap (1) | wrapped length (1) | wrapped key
struct LmrRootKeyExtension {
  uint8_t version = kLmrRootKeyFormatV1;
  RootKeyInfo info;
  RootKeyWrap wrap = RootKeyWrap::kRfc3394;
  Bytes wrapped;

  // Parses and checks the fields (version 1 only, known enums, name rule, wrapped length
  // consistent with the wrap). Errors name the field and offset.
  static Result<LmrRootKeyExtension> Decode(ByteView data);
  Result<Bytes> Encode() const;
  // The octets bound into the KEK derivation: everything before the wrapped-length octet.
  Result<Bytes> EncodeBinding() const;

  friend bool operator==(const LmrRootKeyExtension&, const LmrRootKeyExtension&) = default;
};

// KEK = the 128 least significant bits of KDF(key = ssv, FC = 0xF1, P0 = CSB-ID (4 octets),
// P1 = "keybridge-lmr-root-key", P2 = binding) (TS 33.220 Annex B form).
SecretBytes DeriveRootKeyKek(const SecretBytes& ssv, uint32_t csb_id, ByteView binding);

// Builds the extension: checks info and the key length, wraps the key under the KEK.
Result<LmrRootKeyExtension> SealRootKey(const RootKeyInfo& info, const SecretBytes& root_key,
                                        const SecretBytes& ssv, uint32_t csb_id);
// Unwraps: kCryptoFailure when the integrity check fails; kMalformed when the unwrapped key
// does not fit the ALGID or the wrap.
Result<SecretBytes> UnsealRootKey(const LmrRootKeyExtension& ext, const SecretBytes& ssv,
                                  uint32_t csb_id);

}  // namespace kb::mikey
