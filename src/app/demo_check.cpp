// keybridge demo check: the end-state table of the story (docs/stories/README.md).
#include "app/demo_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <set>

namespace kb::app {
namespace {

// A JSON number, or a string "0x1A" / "26".
std::optional<uint32_t> Number(const nlohmann::json& v) {
  if (v.is_number_unsigned()) return v.get<uint32_t>();
  if (v.is_number_integer() && v.get<int64_t>() >= 0)
    return static_cast<uint32_t>(v.get<int64_t>());
  if (!v.is_string()) return std::nullopt;
  std::string_view t = v.get_ref<const std::string&>();
  int base = 10;
  if (t.starts_with("0x") || t.starts_with("0X")) {
    t.remove_prefix(2);
    base = 16;
  }
  uint32_t out = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out, base);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size()) return std::nullopt;
  return out;
}

Result<uint32_t> Field(const nlohmann::json& o, const char* key, const std::string& where) {
  if (!o.is_object() || !o.contains(key))
    return Fail(Error::Malformed(fmt::format("{}: no '{}'", where, key)));
  auto n = Number(o[key]);
  if (!n) return Fail(Error::Malformed(fmt::format("{}: '{}' is not a number", where, key)));
  return *n;
}

// "KID 0x4983 ks1/sln1 alg 0x84 fp 0123456789abcdef": what is compared.
Result<std::string> KeyText(const nlohmann::json& k, uint32_t keyset, const std::string& where) {
  KB_TRY(uint32_t sln, Field(k, "sln", where));
  KB_TRY(uint32_t kid, Field(k, "kid", where));
  KB_TRY(uint32_t algid, Field(k, "algid", where));
  if (!k.contains("fingerprint") || !k["fingerprint"].is_string())
    return Fail(Error::Malformed(where + ": no 'fingerprint'"));
  return fmt::format("KID 0x{:04X} ks{}/sln{} alg 0x{:02X} fp {}", kid, keyset, sln, algid,
                     k["fingerprint"].get<std::string>());
}

std::string Short(const std::string& key_text) {  // "0x4983 ks1/sln1"
  auto alg = key_text.find(" alg ");
  std::string s = alg == std::string::npos ? key_text : key_text.substr(0, alg);
  return s.starts_with("KID ") ? s.substr(4) : s;
}

std::string Join(const std::vector<std::string>& keys) {
  if (keys.empty()) return "-";
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ", ") + Short(k);
  return out;
}

// "KID 0x2001 fp 0123456789abcdef" of a root key object, or "-" when it has no fingerprint.
Result<std::string> RootKeyText(const nlohmann::json& rk, const std::string& where) {
  if (!rk.is_object() || !rk.contains("fingerprint") || !rk["fingerprint"].is_string()) return "-";
  KB_TRY(uint32_t kid, Field(rk, "kid", where));
  return fmt::format("KID 0x{:04X} fp {}", kid, rk["fingerprint"].get<std::string>());
}

}  // namespace

bool KeyCheck::all_match() const {
  return std::all_of(rows.begin(), rows.end(), [](const KeyCheckRow& r) { return r.match; });
}

Result<KeyCheck> CompareKeys(const nlohmann::json& expected, const std::vector<NodeKeys>& nodes) {
  if (!expected.is_array()) return Fail(Error::Malformed("kmf expected: not a JSON array"));
  struct Unit {
    std::string org, state;
    std::vector<std::string> keys;
    std::optional<std::string> root_key;  // "KID 0x2001 fp ..." the KMF holds
    bool seen = false;
  };
  std::map<uint32_t, Unit> units;
  for (size_t i = 0; i < expected.size(); ++i) {
    const auto& u = expected[i];
    std::string where = fmt::format("kmf expected[{}]", i);
    KB_TRY(uint32_t rsi, Field(u, "rsi", where));
    Unit unit;
    unit.org = u.value("org", "");
    unit.state = u.value("state", "");
    if (u.contains("keys")) {
      if (!u["keys"].is_array()) return Fail(Error::Malformed(where + ": 'keys' is not an array"));
      for (size_t j = 0; j < u["keys"].size(); ++j) {
        std::string kw = fmt::format("{}.keys[{}]", where, j);
        KB_TRY(uint32_t keyset, Field(u["keys"][j], "keyset", kw));
        KB_TRY(std::string text, KeyText(u["keys"][j], keyset, kw));
        unit.keys.push_back(std::move(text));
      }
    }
    std::sort(unit.keys.begin(), unit.keys.end());
    if (u.contains("root_key") && u["root_key"].is_object()) {
      KB_TRY(std::string rk, RootKeyText(u["root_key"], where + ".root_key"));
      unit.root_key = std::move(rk);
    }
    units[rsi] = std::move(unit);
  }

  KeyCheck check;
  for (const NodeKeys& n : nodes) {
    KeyCheckRow row;
    row.node = n.node;
    row.role = n.role;
    if (!n.error.empty()) {
      row.note = n.error;
      check.rows.push_back(std::move(row));
      continue;
    }
    std::string where = "client keys --node " + n.node;
    KB_TRY(row.rsi, Field(n.report, "rsi", where));
    if (n.report.contains("keysets") && n.report["keysets"].is_array()) {
      for (const auto& ks : n.report["keysets"]) {
        if (ks.value("kek", false)) continue;  // the root key's keyset
        KB_TRY(uint32_t id, Field(ks, "id", where + " keyset"));
        if (!ks.contains("keys") || !ks["keys"].is_array()) continue;
        for (const auto& k : ks["keys"]) {
          KB_TRY(std::string text, KeyText(k, id, where));
          row.held.push_back(std::move(text));
        }
      }
    }
    std::sort(row.held.begin(), row.held.end());
    row.root_key = "-";
    if (n.report.contains("root_key") && n.report["root_key"].is_object()) {
      KB_TRY(row.root_key, RootKeyText(n.report["root_key"], where + " root_key"));
    }
    auto it = units.find(row.rsi);
    if (it == units.end()) {
      row.state = "unknown to the KMF";
    } else {
      it->second.seen = true;
      row.org = it->second.org;
      row.state = it->second.state;
      row.expected = it->second.keys;
    }
    row.match = row.held == row.expected;
    if (it != units.end() && it->second.state == "zeroized") {
      row.root_key_check = row.root_key == "-" ? "erased" : "differs";
      if (row.root_key != "-") row.note = "holds a root key after a confirmed zeroize; ";
    } else if (it != units.end() && it->second.root_key) {
      row.root_key_check = row.root_key == *it->second.root_key ? "same" : "differs";
      if (row.root_key_check == "differs")
        row.note = fmt::format("root key {} but the KMF's UKEK is {}; ", row.root_key,
                               *it->second.root_key);
    }
    row.match = row.match && row.root_key_check != "differs";
    if (!row.match) {
      std::vector<std::string> missing, extra;
      std::set_difference(row.expected.begin(), row.expected.end(), row.held.begin(),
                          row.held.end(), std::back_inserter(missing));
      std::set_difference(row.held.begin(), row.held.end(), row.expected.begin(),
                          row.expected.end(), std::back_inserter(extra));
      if (!missing.empty()) row.note += "missing or different: " + Join(missing);
      if (!extra.empty())
        row.note += std::string(row.note.empty() ? "" : "; ") + "unexpected: " + Join(extra);
    }
    if (row.note.ends_with("; ")) row.note.resize(row.note.size() - 2);
    check.rows.push_back(std::move(row));
  }
  for (const auto& [rsi, unit] : units)
    if (!unit.seen)
      check.unmatched_units.push_back(fmt::format("{} RSI {} ({})", unit.org, rsi, unit.state));
  return check;
}

std::string FormatKeyCheck(const KeyCheck& check) {
  std::string out =
      fmt::format("{:<7} {:<6} {:<7} {:>5} {:<8} {:<7} {:<30} {:<30} {}\n", "node", "role", "org",
                  "RSI", "state", "UKEK", "holds (TEKs)", "KMF expects (TEKs)", "match");
  for (const auto& r : check.rows) {
    out += fmt::format("{:<7} {:<6} {:<7} {:>5} {:<8} {:<7} {:<30} {:<30} {}\n", r.node, r.role,
                       r.org.empty() ? "-" : r.org, r.rsi ? std::to_string(r.rsi) : "-",
                       r.state.empty() ? "-" : r.state, r.root_key_check, Join(r.held),
                       Join(r.expected), r.match ? "yes" : "NO");
    if (!r.note.empty()) out += fmt::format("{:<7} ^ {}\n", "", r.note);
  }
  for (const auto& u : check.unmatched_units)
    out += fmt::format("(KMF unit without a node here, not checked: {})\n", u);
  out += check.all_match() ? "every client and radio holds exactly the keys the KMF expects\n"
                           : "MISMATCH: some node's keys differ from the KMF's\n";
  return out;
}

nlohmann::json KeyCheckJson(const KeyCheck& check) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : check.rows)
    rows.push_back({{"node", r.node},
                    {"role", r.role},
                    {"org", r.org},
                    {"rsi", r.rsi},
                    {"state", r.state},
                    {"held", r.held},
                    {"expected", r.expected},
                    {"root_key", r.root_key},
                    {"root_key_check", r.root_key_check},
                    {"match", r.match},
                    {"note", r.note}});
  return {{"all_match", check.all_match()},
          {"rows", std::move(rows)},
          {"unmatched_units", check.unmatched_units}};
}

}  // namespace kb::app
