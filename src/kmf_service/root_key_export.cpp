// keybridge extension: the KMF's UKEKs as the IWF's root key file (docs/kmf.md "Root key
// export").
#include "kmf_service/root_key_export.h"

#include <fmt/format.h>

#include "core/encoding.h"

namespace kb::kmf_service {

Result<RootKeyExport> ExportRootKeys(kmf::KmfEngine& engine, std::string_view org,
                                     const iwf::RsiMap& rsi_map, uint32_t rotation_serial) {
  KB_TRY(auto units, engine.ListUnits(org));
  RootKeyExport out;
  // The key name is one whitespace-free field of the line.
  std::string name_prefix(org);
  for (char& c : name_prefix)
    if (c == ' ' || c == '\t' || c == '#' || static_cast<unsigned char>(c) < 0x20) c = '_';
  std::string text;
  size_t room = 512;  // reserved up front: a reallocation would leave unwiped copies of keys
  for (const auto& u : units)
    if (const iwf::RsiMapping* m = rsi_map.ByRsi(u.rsi))
      room += m->mc_service_id.size() + name_prefix.size() + 128;
  text.reserve(room);
  text += fmt::format(
      "# LMR root keys (P25 UKEKs) of organisation {}, exported by the KMF for\n"
      "# `keybridge iwf distribute-root-keys --key-file` (docs/root-key-distribution.md).\n"
      "# user  type  algid  kid  serial  key  name\n",
      org);
  for (const auto& u : units) {
    const iwf::RsiMapping* m = rsi_map.ByRsi(u.rsi);
    if (m == nullptr) {
      out.skipped.push_back(fmt::format("RSI {}: not in the IWF's rsi_map", u.rsi));
      continue;
    }
    if (m->lmr_type != mc::LmrType::kP25) {
      out.skipped.push_back(fmt::format("RSI {}: mapped as a TETRA user", u.rsi));
      continue;
    }
    if (u.state == kmf::UnitState::kZeroized) {
      out.skipped.push_back(fmt::format("RSI {}: zeroized", u.rsi));
      continue;
    }
    auto ukek = engine.ExportUkek(org, u.rsi);
    if (!ukek) {
      SecureWipe(text.data(), text.size());
      return Fail(ukek.error());
    }
    std::string hex = ToHex(ukek->key.Reveal());
    text += fmt::format("{} p25 0x{:02X} 0x{:04X} {} {} {}-{}-UKEK\n", m->mc_service_id,
                        ukek->algid, ukek->kid, rotation_serial, hex, name_prefix, u.rsi);
    SecureWipe(hex.data(), hex.size());
    ++out.exported;
  }
  out.text = SecretBytes(AsBytes(text));
  SecureWipe(text.data(), text.size());
  return out;
}

}  // namespace kb::kmf_service
