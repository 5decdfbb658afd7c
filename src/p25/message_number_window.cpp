// TIA-102.AACA message number window (MNP).
#include "p25/message_number_window.h"

#include <fmt/format.h>

namespace kb::p25 {

bool MessageNumberWindow::Acceptable(uint16_t mn) const {
  if (mnp_ == kCheckDisabled || !last_) return true;
  uint16_t ahead = static_cast<uint16_t>(mn - *last_);  // modulo 2^16
  return ahead != 0 && ahead <= mnp_;
}

Status MessageNumberWindow::Accept(uint16_t mn) {
  if (!Acceptable(mn)) {
    return Fail(Error::Replay(
        fmt::format("message number 0x{:04X} outside (0x{:04X}, +{}]", mn, *last_, mnp_)));
  }
  last_ = mn;
  return Ok();
}

}  // namespace kb::p25
