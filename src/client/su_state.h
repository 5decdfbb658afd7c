// TIA-102.AACA 5.1 / 13: the durable state of the client's P25 subscriber unit (key store,
// RSIs, message-number window) and of its root key (docs/client.md "Storage"), sealed with
// AES-256-GCM under the client's local storage key (as the KMS seals its master secrets:
// kms/sealed_secrets.h) and written atomically. Keys are never on disk in the clear.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "core/bytes.h"
#include "core/error.h"
#include "core/secret.h"
#include "p25/key_store.h"
#include "p25/subscriber_unit.h"

namespace kb::client {

// Where the installed root key (the UKEK in keyset 0xFF) came from.
enum class RootKeySource : uint8_t {
  kCms = 1,      // the keybridge LMR root key element of the user profile (docs/lmr-root-key.md)
  kKeyFill = 2,  // keybridge client import-root-key (docs/key-fill-file.md)
};
const char* RootKeySourceName(RootKeySource s);

// The clear description of the installed root key (never its value).
struct InstalledRootKey {
  uint8_t algid = 0;
  uint16_t kid = 0;
  uint32_t rotation_serial = 0;  // the highest serial accepted from the CMS (0 for a key fill)
  std::string key_name;
  RootKeySource source = RootKeySource::kCms;
  std::string iwf_uri;  // the signer, for kCms
  bool operator==(const InstalledRootKey&) const = default;
};

// What the client keeps besides the subscriber unit itself.
struct ClientExtras {
  uint16_t next_outbound_mn = 1;  // MN of the next SU-initiated KMM (Hello)
  std::optional<InstalledRootKey> root_key;
  bool operator==(const ClientExtras&) const = default;
};

// A decoded state, ready to rebuild a SubscriberUnit.
struct SuState {
  p25::SubscriberUnitConfig config;  // RSIs and MNP as stored
  std::optional<uint16_t> last_mn;   // the window's last accepted MN
  p25::KeyStore keys;
  ClientExtras extras;
};

// The state in its plaintext binary form (version 1, docs/client.md); only ever sealed.
Result<SecretBytes> EncodeSuState(const p25::SubscriberUnit& su, const ClientExtras& extras);
// Errors name the field and offset (kMalformed, kTruncated, kUnsupported for another version).
Result<SuState> DecodeSuState(ByteView plaintext);

// Rebuilds the subscriber unit; require_mac and accept_clear_keys come from the caller's
// configuration (they are policy, not state).
p25::SubscriberUnit MakeSubscriberUnit(SuState& state, bool require_mac, bool accept_clear_keys);

// The sealed file: kms::SealSecrets with additional data "keybridge client SU state v1" || 0x00
// || owner (the MC service ID), so a file copied to another client does not open there.
Status SaveSuState(const std::filesystem::path& path, const SecretBytes& storage_key,
                   std::string_view owner, const p25::SubscriberUnit& su,
                   const ClientExtras& extras);
// nullopt when the file does not exist; kCryptoFailure when it was changed, belongs to another
// owner or the storage key is not the one that sealed it.
Result<std::optional<SuState>> LoadSuState(const std::filesystem::path& path,
                                           const SecretBytes& storage_key, std::string_view owner);

}  // namespace kb::client
