// TIA-102.AACA 5.1: the client's key report (no key values).
#include "client/key_report.h"

#include <fmt/format.h>

#include "core/encoding.h"
#include "p25/key_fingerprint.h"

namespace kb::client {

std::string KeyFingerprint(const SecretBytes& key) { return p25::KeyFingerprint(key); }

nlohmann::json DescribeKeyStore(const p25::SubscriberUnit& su, const ClientExtras& extras) {
  nlohmann::json j;
  const auto& c = su.config();
  j["rsi"] = fmt::format("0x{:06X}", c.individual_rsi);
  if (c.group_rsi) j["group_rsi"] = fmt::format("0x{:06X}", *c.group_rsi);
  j["kmf_rsi"] = fmt::format("0x{:06X}", c.kmf_rsi);
  j["mnp"] = su.window().mnp();
  if (su.window().last()) j["last_mn"] = *su.window().last();
  auto active = su.keys().active_tek_keyset();
  j["active_keyset"] = active ? nlohmann::json(*active) : nlohmann::json(nullptr);
  if (extras.root_key) {
    const InstalledRootKey& rk = *extras.root_key;
    nlohmann::json r = {{"algid", fmt::format("0x{:02X}", rk.algid)},
                        {"kid", fmt::format("0x{:04X}", rk.kid)},
                        {"key_name", rk.key_name},
                        {"rotation_serial", rk.rotation_serial},
                        {"source", RootKeySourceName(rk.source)}};
    if (!rk.iwf_uri.empty()) r["iwf"] = rk.iwf_uri;
    if (const p25::StoredKey* k = su.keys().FindKek(rk.algid, rk.kid))
      r["fingerprint"] = KeyFingerprint(k->key);
    else
      r["fingerprint"] = nullptr;  // erased since (e.g. by a Zeroize-Command)
    j["root_key"] = std::move(r);
  } else {
    j["root_key"] = nullptr;
  }
  nlohmann::json sets = nlohmann::json::array();
  size_t total = 0;
  for (const auto& [id, ks] : su.keys().keysets()) {
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& [ref, key] : ks.keys) {
      keys.push_back({{"algid", fmt::format("0x{:02X}", key.algid)},
                      {"kid", fmt::format("0x{:04X}", key.kid)},
                      {"sln", key.sln},
                      {"fingerprint", KeyFingerprint(key.key)}});
      ++total;
    }
    sets.push_back({{"id", id},
                    {"kek", id == p25::kKekKeysetId},
                    {"active", su.keys().IsActive(id)},
                    {"keys", std::move(keys)}});
  }
  j["keysets"] = std::move(sets);
  j["key_count"] = total;
  return j;
}

}  // namespace kb::client
