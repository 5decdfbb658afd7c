// TIA-102.AACA 10 KMMs as a ladder diagram shows them (docs/ladder.md): the header (Message ID,
// RSIs, message number, MAC), and the clear identifiers of the body (keyset, ALGID, SLN, KID of
// key items; acknowledged IDs and statuses). Key material is never read out: a key item's key
// field is skipped, whether wrapped or clear.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"

namespace kb::ladder {

// One key a KMM names: the key item's identifiers (never its key field), or a status item.
struct KeyIdSummary {
  std::optional<uint8_t> keyset;
  uint8_t algid = 0;
  std::optional<uint16_t> sln;
  uint16_t kid = 0;
  std::optional<uint8_t> status;  // Rekey-Acknowledgment items
};

struct KmmSummary {
  uint8_t message_id = 0;
  std::string name;  // "Rekey-Command", or "unknown"
  uint32_t destination_rsi = 0;
  uint32_t source_rsi = 0;
  std::optional<uint16_t> message_number;
  std::optional<std::pair<uint8_t, uint16_t>> mac;  // MAC ALGID and KID when a MAC trailer follows
  std::optional<std::pair<uint8_t, uint16_t>> kek;  // KEK ALGID and KID of wrapped keys
  std::vector<KeyIdSummary> keys;
  std::string detail;      // e.g. "rekey request", "acknowledges Rekey-Command", "status 0x04"
  std::string body_error;  // set when the frame decoded but the body did not
  size_t length = 0;       // octets

  // "Rekey-Command 9999999->1001 MN 3 MAC 0x84/0x50BC: keyset 1 ALGID 0x84 SLN 1 KID 0x4983".
  std::string Text() const;
  nlohmann::json Json() const;
};

// Summarises a clear KMM. Errors: the frame does not decode (named field and offset). A body
// that does not decode still gives the header, with body_error set.
Result<KmmSummary> SummariseKmm(ByteView kmm);

}  // namespace kb::ladder
