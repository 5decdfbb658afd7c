// keybridge demo check (docs/stories/README.md "End-state table"): the keys each client and radio
// holds against the TEKs the KMF says it should hold (`kmf expected --json`), compared by key
// fingerprint (client::KeyFingerprint), never by value.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error.h"

namespace kb::app {

// One client or radio node: its `client keys --json` report, or why it could not be read.
struct NodeKeys {
  std::string node;
  std::string role;
  nlohmann::json report;  // the key report (null when error is set)
  std::string error;
};

// One line of the end-state table.
struct KeyCheckRow {
  std::string node, role, org, state;
  uint32_t rsi = 0;
  std::vector<std::string> held, expected;  // "keyset/sln kid algid fingerprint", sorted
  std::string root_key;                     // "KID 0x2001 fp ..." held (or "-")
  std::string root_key_check = "-";         // "same" as the KMF's UKEK, "differs", "erased", "-"
  std::string note;                         // why it does not match, or what was skipped
  bool match = false;
};

struct KeyCheck {
  std::vector<KeyCheckRow> rows;
  std::vector<std::string> unmatched_units;  // KMF units without a node in the configuration
  bool all_match() const;
};

// Compares expected (the JSON array of `kmf expected --json`: {"org","rsi","state","keys":
// [{"keyset","sln","kid","algid","fingerprint"}]}) with each node's report (TEK keysets only; the
// KEK keyset holds the root key). When the KMF names the unit's UKEK ("root_key": {"kid",
// "fingerprint"}), the node's root key must be that key (KID and fingerprint); a zeroized unit must
// hold none. Numbers may be JSON numbers or "0x.." / decimal strings. A node whose RSI the KMF
// does not know must hold no TEK. kMalformed names the field that is missing.
Result<KeyCheck> CompareKeys(const nlohmann::json& expected, const std::vector<NodeKeys>& nodes);

// The table as text (one row per node, "match yes/no"), and as JSON.
std::string FormatKeyCheck(const KeyCheck& check);
nlohmann::json KeyCheckJson(const KeyCheck& check);

}  // namespace kb::app
