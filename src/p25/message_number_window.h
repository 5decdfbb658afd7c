// TIA-102.AACA message numbers and the Message Number Period (MNP): the replay window a radio
// keeps per KMF. Rule (docs/p25-kmm.md): accept MN in (last, last + MNP] modulo 2^16; MNP 65535
// disables the check; before the first accepted MN every MN is accepted.
#pragma once

#include <cstdint>
#include <optional>

#include "core/error.h"

namespace kb::p25 {

class MessageNumberWindow {
 public:
  static constexpr uint16_t kCheckDisabled = 0xFFFF;

  explicit MessageNumberWindow(uint16_t mnp = kCheckDisabled,
                               std::optional<uint16_t> last = std::nullopt)
      : mnp_(mnp), last_(last) {}

  // True when mn lies in the window (does not change the state).
  bool Acceptable(uint16_t mn) const;
  // Checks mn and, when acceptable, makes it the last accepted MN; kReplay otherwise.
  Status Accept(uint16_t mn);
  // Resynchronises: mn becomes the last accepted MN (Change-RSI, Load-Config, RSI inventory).
  void Reset(uint16_t mn) { last_ = mn; }

  uint16_t mnp() const { return mnp_; }
  void set_mnp(uint16_t mnp) { mnp_ = mnp; }
  std::optional<uint16_t> last() const { return last_; }

 private:
  uint16_t mnp_;
  std::optional<uint16_t> last_;
};

}  // namespace kb::p25
