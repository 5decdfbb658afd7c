// TS 23.283 7 IWF identity mapping: RSI <-> (MC service ID, LMR type).
#include "iwf/rsi_map.h"

#include <fmt/format.h>

namespace kb::iwf {

Result<RsiMap> RsiMap::Build(std::vector<RsiMapping> entries) {
  RsiMap m;
  for (size_t i = 0; i < entries.size(); ++i) {
    const RsiMapping& e = entries[i];
    if (e.rsi > 0xFFFFFF) {
      return Fail(Error::InvalidArgument(
          fmt::format("rsi_map[{}]: RSI {} is wider than 24 bits", i, e.rsi)));
    }
    if (e.mc_service_id.empty()) {
      return Fail(Error::InvalidArgument(fmt::format("rsi_map[{}]: empty mc_service_id", i)));
    }
    if (!m.by_rsi_.emplace(e.rsi, i).second) {
      return Fail(Error::Conflict(fmt::format("rsi_map[{}]: RSI {} is listed twice", i, e.rsi)));
    }
    if (!m.by_mc_id_.emplace(e.mc_service_id, i).second) {
      return Fail(Error::Conflict(
          fmt::format("rsi_map[{}]: MC service ID {} is listed twice", i, e.mc_service_id)));
    }
  }
  m.entries_ = std::move(entries);
  return m;
}

const RsiMapping* RsiMap::ByRsi(uint32_t rsi) const {
  auto it = by_rsi_.find(rsi);
  return it == by_rsi_.end() ? nullptr : &entries_[it->second];
}

const RsiMapping* RsiMap::ByMcServiceId(std::string_view mc_service_id) const {
  auto it = by_mc_id_.find(std::string(mc_service_id));
  return it == by_mc_id_.end() ? nullptr : &entries_[it->second];
}

}  // namespace kb::iwf
