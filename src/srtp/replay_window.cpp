// RFC 3711 3.3.1 and 3.3.2: index estimation and the replay list, kept as a bit ring indexed
// by (index mod capacity), the capacity a power of two.
#include "srtp/replay_window.h"

#include <algorithm>
#include <bit>
#include <string>

namespace kb::srtp {

Result<uint64_t> EstimateSrtpIndex(uint64_t highest, uint16_t seq) {
  uint64_t roc = highest >> 16;
  uint32_t s_l = static_cast<uint32_t>(highest & 0xFFFF);
  uint64_t v = roc;
  if (s_l < 32768) {
    if (seq > s_l && seq - s_l > 32768) {
      if (roc == 0) return Fail(Error::Replay("SRTP index: packet from before ROC 0"));
      v = roc - 1;
    }
  } else if (s_l - 32768 > seq) {
    v = roc + 1;
    if (v > 0xFFFFFFFFu) return Fail(Error::Expired("SRTP index: roll-over counter exhausted"));
  }
  return (v << 16) | seq;
}

ReplayWindow::ReplayWindow(size_t size) : size_(std::clamp<size_t>(size, 1, 32768)) {
  // A power of two, so that the ring position is a mask rather than a division.
  capacity_ = std::bit_ceil(std::max<uint64_t>(size_, 64));
  bits_.assign(capacity_ / 64, 0);
}

bool ReplayWindow::Bit(uint64_t index) const {
  uint64_t p = index & (capacity_ - 1);
  return ((bits_[p / 64] >> (p % 64)) & 1) != 0;
}

void ReplayWindow::SetBit(uint64_t index, bool v) {
  uint64_t p = index & (capacity_ - 1);
  uint64_t mask = uint64_t{1} << (p % 64);
  if (v) {
    bits_[p / 64] |= mask;
  } else {
    bits_[p / 64] &= ~mask;
  }
}

Status ReplayWindow::Check(uint64_t index) const {
  if (!any_ || index > highest_) return Ok();
  if (highest_ - index >= size_) {
    return Fail(Error::Replay("index " + std::to_string(index) + " lies before the " +
                              std::to_string(size_) + "-packet replay window"));
  }
  if (Bit(index)) return Fail(Error::Replay("index " + std::to_string(index) + " seen before"));
  return Ok();
}

void ReplayWindow::Accept(uint64_t index) {
  if (!any_) {
    any_ = true;
    highest_ = index;
    std::fill(bits_.begin(), bits_.end(), 0);
  } else if (index > highest_) {
    uint64_t advance = index - highest_;
    if (advance >= capacity_) {
      std::fill(bits_.begin(), bits_.end(), 0);
    } else {
      for (uint64_t i = highest_ + 1; i < index; ++i) SetBit(i, false);
    }
    highest_ = index;
  }
  SetBit(index, true);
}

}  // namespace kb::srtp
