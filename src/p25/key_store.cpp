// TIA-102.AACA 5.1 key storage of a P25 radio.
#include "p25/key_store.h"

#include <fmt/format.h>

#include "p25/algorithm_id.h"

namespace kb::p25 {

KeyStore::KeyStore() { EnsureKeyset(kKekKeysetId); }

Keyset& KeyStore::EnsureKeyset(uint8_t id) {
  auto [it, inserted] = keysets_.try_emplace(id);
  if (inserted) it->second.id = id;
  return it->second;
}

const Keyset* KeyStore::FindKeyset(uint8_t id) const {
  auto it = keysets_.find(id);
  return it == keysets_.end() ? nullptr : &it->second;
}

Status KeyStore::Put(uint8_t keyset_id, uint8_t algid, uint16_t kid, uint16_t sln,
                     SecretBytes key) {
  size_t want = KeyLengthOf(algid);
  if (want == 0) return Fail(Error::Unsupported(fmt::format("ALGID 0x{:02X}", algid)));
  if (key.size() != want) {
    return Fail(Error::InvalidArgument(
        fmt::format("key of {} octets for ALGID 0x{:02X} (needs {})", key.size(), algid, want)));
  }
  Keyset& ks = EnsureKeyset(keyset_id);
  ks.keys.insert_or_assign({algid, kid}, StoredKey{algid, kid, sln, std::move(key)});
  return Ok();
}

const StoredKey* KeyStore::Find(uint8_t keyset_id, uint8_t algid, uint16_t kid) const {
  const Keyset* ks = FindKeyset(keyset_id);
  if (!ks) return nullptr;
  auto it = ks->keys.find({algid, kid});
  return it == ks->keys.end() ? nullptr : &it->second;
}

const StoredKey* KeyStore::FindAnywhere(uint8_t algid, uint16_t kid) const {
  if (const StoredKey* k = FindKek(algid, kid)) return k;
  for (const auto& [id, ks] : keysets_) {
    auto it = ks.keys.find({algid, kid});
    if (it != ks.keys.end()) return &it->second;
  }
  return nullptr;
}

bool KeyStore::Erase(uint8_t keyset_id, uint8_t algid, uint16_t kid) {
  auto it = keysets_.find(keyset_id);
  return it != keysets_.end() && it->second.keys.erase({algid, kid}) == 1;
}

bool KeyStore::EraseKeyset(uint8_t keyset_id) {
  auto it = keysets_.find(keyset_id);
  if (it == keysets_.end()) return false;
  if (keyset_id == kKekKeysetId) {
    it->second.keys.clear();
  } else {
    keysets_.erase(it);
    if (active_ == keyset_id) active_.reset();
  }
  return true;
}

void KeyStore::Zeroize() {
  keysets_.clear();
  active_.reset();
  EnsureKeyset(kKekKeysetId);
}

Status KeyStore::Activate(uint8_t keyset_id) {
  if (keyset_id == kKekKeysetId) {
    return Fail(Error::InvalidArgument("keyset 0xFF holds KEKs and is always active"));
  }
  if (!FindKeyset(keyset_id)) {
    return Fail(Error::NotFound(fmt::format("keyset {} does not exist", keyset_id)));
  }
  active_ = keyset_id;
  return Ok();
}

size_t KeyStore::KeyCount() const {
  size_t n = 0;
  for (const auto& [id, ks] : keysets_) n += ks.keys.size();
  return n;
}

}  // namespace kb::p25
