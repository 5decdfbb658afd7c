// TS 23.283 7 (IWF identity mapping): each LMR radio's RSI (TIA-102.AACA, 24 bits) <-> the MC
// service ID of the LMR-aware MC user it is emulated by, with the LMR type to announce toward the
// client (10.12.1.1). From configuration (nodes.iwf.rsi_map); bidirectional, one to one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "mc/lmr_security_message.h"

namespace kb::iwf {

struct RsiMapping {
  uint32_t rsi = 0;           // 24 bits
  std::string mc_service_id;  // e.g. "sip:alice@example.org"
  mc::LmrType lmr_type = mc::LmrType::kP25;
  bool operator==(const RsiMapping&) const = default;
};

class RsiMap {
 public:
  RsiMap() = default;
  // Fails (kInvalidArgument, naming the entry) on an RSI wider than 24 bits or an empty MC
  // service ID, and (kConflict) on an RSI or MC service ID listed twice.
  static Result<RsiMap> Build(std::vector<RsiMapping> entries);

  const RsiMapping* ByRsi(uint32_t rsi) const;
  const RsiMapping* ByMcServiceId(std::string_view mc_service_id) const;
  const std::vector<RsiMapping>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }

 private:
  std::vector<RsiMapping> entries_;
  std::unordered_map<uint32_t, size_t> by_rsi_;
  std::unordered_map<std::string, size_t> by_mc_id_;
};

}  // namespace kb::iwf
