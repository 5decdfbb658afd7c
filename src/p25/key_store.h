// TIA-102.AACA 5.1 / 13 key storage of a P25 radio: keysets of keys named by (ALGID, KID) with
// an SLN; keyset 0xFF holds the KEKs and is always active; one TEK keyset is active at a time.
// Not thread-safe; plain data, no I/O.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/secret.h"

namespace kb::p25 {

inline constexpr uint8_t kKekKeysetId = 0xFF;

// One stored key.
struct StoredKey {
  uint8_t algid = 0;
  uint16_t kid = 0;
  uint16_t sln = 0;
  SecretBytes key;
};

// A keyset: its keys by (ALGID, KID).
struct Keyset {
  uint8_t id = 0;
  std::map<std::pair<uint8_t, uint16_t>, StoredKey> keys;
};

class KeyStore {
 public:
  // Keyset 0xFF (KEKs) always exists; no TEK keyset is active until one is activated.
  KeyStore();

  // Creates the keyset if it does not exist.
  Keyset& EnsureKeyset(uint8_t id);
  const Keyset* FindKeyset(uint8_t id) const;

  // Stores or replaces a key. Fails (kInvalidArgument) when the key length does not suit the
  // ALGID (see algorithm_id.h) and kUnsupported for an ALGID keybridge cannot store.
  Status Put(uint8_t keyset_id, uint8_t algid, uint16_t kid, uint16_t sln, SecretBytes key);
  const StoredKey* Find(uint8_t keyset_id, uint8_t algid, uint16_t kid) const;
  const StoredKey* FindKek(uint8_t algid, uint16_t kid) const {
    return Find(kKekKeysetId, algid, kid);
  }
  // A key in any keyset, KEK keyset first (used for MAC keys and KMM encryption keys).
  const StoredKey* FindAnywhere(uint8_t algid, uint16_t kid) const;

  // False when the key (or keyset) does not exist.
  bool Erase(uint8_t keyset_id, uint8_t algid, uint16_t kid);
  bool EraseKeyset(uint8_t keyset_id);
  // Erases every key of every keyset, KEKs included; keyset 0xFF stays (empty).
  void Zeroize();

  // Makes keyset_id the active TEK keyset; kNotFound when it does not exist, kInvalidArgument
  // for 0xFF.
  Status Activate(uint8_t keyset_id);
  std::optional<uint8_t> active_tek_keyset() const { return active_; }
  // Keyset 0xFF and the active TEK keyset.
  bool IsActive(uint8_t keyset_id) const {
    return keyset_id == kKekKeysetId || active_ == keyset_id;
  }

  const std::map<uint8_t, Keyset>& keysets() const { return keysets_; }
  size_t KeyCount() const;

 private:
  std::map<uint8_t, Keyset> keysets_;
  std::optional<uint8_t> active_;
};

}  // namespace kb::p25
