// keybridge extension (docs/kmf.md "Root key export", docs/root-key-distribution.md "Key file"):
// the KMF hands the UKEKs it holds to the IWF's root key distribution as a key file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/secret.h"
#include "iwf/rsi_map.h"
#include "kmf/kmf_engine.h"

namespace kb::kmf_service {

struct RootKeyExport {
  SecretBytes text;                  // the key file (holds keys: write it 0600, never print it)
  size_t exported = 0;               // lines written
  std::vector<std::string> skipped;  // "RSI 1003: not in the IWF's rsi_map", ... (no keys)
};

// For every unit of org (by RSI) that rsi_map maps to an MC service ID with LMR type P25, one
// line `<mc service id> p25 <algid> <kid> <serial> <UKEK hex> <org>-<rsi>-UKEK`, the format
// iwf::ParseRootKeyFile reads. Units the map does not know, mapped as TETRA, or zeroized are
// skipped (and listed). rotation_serial is the same for every line (the KMF keeps no serial:
// raise it when the UKEKs change, or the IWF skips users whose profile holds that serial).
Result<RootKeyExport> ExportRootKeys(kmf::KmfEngine& engine, std::string_view org,
                                     const iwf::RsiMap& rsi_map, uint32_t rotation_serial);

}  // namespace kb::kmf_service
