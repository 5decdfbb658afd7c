// TIA-102.AACA OTAR key database model of the KMF: organisations, keysets, TEKs, units, groups.
//
// Plain records, shared by the engine (kmf_engine.h) and every storage implementation
// (kmf_store.h). Secret keys are SecretBytes: records holding them are move-only.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/secret.h"

namespace kb::kmf {

// Time is passed in by the caller; the engine has no clock. Milliseconds since the Unix epoch.
using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;
using Duration = std::chrono::milliseconds;

inline int64_t ToMillis(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint FromMillis(int64_t ms) { return TimePoint(Duration(ms)); }

// A 24-bit Radio Set Identifier.
using Rsi = uint32_t;
inline constexpr Rsi kMaxRsi = 0xFFFFFF;
// AACA "typical" KMF RSI 9 999 999.
inline constexpr Rsi kDefaultKmfRsi = 9'999'999;
inline constexpr uint8_t kAlgAes256 = 0x84;
inline constexpr uint8_t kKekKeysetId = 0xFF;

// An organisation (a Mission Critical Organization): the sole owner of its keys and units.
struct Organisation {
  std::string id;  // short stable name, e.g. "police"
  std::string display_name;
};

// A TEK keyset of an organisation (AACA: keysets 1 and 2, one active at a time).
struct Keyset {
  std::string org;
  uint8_t keyset_id = 1;
  bool active = false;
};

// Names one key: keyset, Storage Location Number (CKR), Key ID and algorithm.
struct KeyRef {
  uint8_t keyset_id = 0;
  uint16_t sln = 0;
  uint16_t kid = 0;
  uint8_t algid = kAlgAes256;
  friend bool operator==(const KeyRef&, const KeyRef&) = default;
};

// A traffic encryption key of one organisation.
struct Tek {
  std::string org;
  KeyRef ref;
  SecretBytes key;
};

// A key with its P25 name, held by a unit (UKEK, MAC key).
struct NamedKey {
  uint8_t algid = kAlgAes256;
  uint16_t kid = 0;
  SecretBytes key;
  NamedKey Clone() const { return {algid, kid, key.Clone()}; }
};

// The MAC trailer format the KMF uses towards a unit (AACA enhanced MAC).
enum class MacFormat : uint8_t { kCbcMac = 0x40, kCmac = 0x41 };

// Lifecycle of a unit as the KMF knows it.
enum class UnitState : uint8_t {
  kActive = 0,        // provisioned
  kRegistered = 1,    // answered a Registration-Command
  kDeregistered = 2,  // sent a Deregistration-Command
  kZeroized = 3,      // confirmed a Zeroize-Command (lost or retired); never rekeyed again
};
std::string_view UnitStateName(UnitState s);

// A subscriber unit (radio) provisioned in the KMF; the RSI is unique in the KMF.
struct Unit {
  Rsi rsi = 0;
  std::string org;
  Rsi kmf_rsi = kDefaultKmfRsi;
  NamedKey ukek;     // wraps TEKs for this unit (AACA §13.3)
  NamedKey mac_key;  // MACs every KMM to/from this unit (AACA §14.3.4 uses a separate key)
  MacFormat mac_format = MacFormat::kCmac;
  uint16_t mnp = 0xFFFF;  // Message Number Period the unit applies (0xFFFF: no check)
  uint16_t last_mn = 0;   // the last Message Number the KMF used towards the unit
  UnitState state = UnitState::kActive;
  Unit Clone() const {
    return {rsi, org, kmf_rsi, ukek.Clone(), mac_key.Clone(), mac_format, mnp, last_mn, state};
  }
};

// What can be known of a unit without unsealing its keys (ownership checks, operator views).
struct UnitSummary {
  Rsi rsi = 0;
  std::string org;
  UnitState state = UnitState::kActive;
  uint16_t ukek_kid = 0;
  uint16_t mac_kid = 0;
  uint16_t last_mn = 0;
  uint16_t mnp = 0;
};

// A group (MC service group or temporary group) and the key slots its members must hold:
// every TEK of the organisation whose SLN is listed, in every keyset.
struct Group {
  std::string org;
  std::string name;
  bool temporary = false;
  std::vector<Rsi> members;
  std::vector<uint16_t> slns;
};

}  // namespace kb::kmf
