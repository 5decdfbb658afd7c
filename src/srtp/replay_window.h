// RFC 3711 3.3.1 (packet index estimation from SEQ and the roll-over counter) and 3.3.2 (the
// sliding replay list), for SRTP's 48-bit and SRTCP's 31-bit indices.
#pragma once

#include <cstdint>
#include <vector>

#include "core/error.h"

namespace kb::srtp {

// RFC 3711 3.3.1 / Appendix A: the 48-bit index (ROC << 16 | SEQ) of a packet with sequence
// number seq, chosen as the ROC among {ROC-1, ROC, ROC+1} closest to highest (the highest index
// accepted so far, whose ROC is highest >> 16 and s_l highest & 0xFFFF). kReplay when the guess
// lies before ROC 0, kExpired when it passes ROC 2^32 - 1 (the master key must be changed).
Result<uint64_t> EstimateSrtpIndex(uint64_t highest, uint16_t seq);

// A replay list of the last `size` indices below and including the highest accepted one.
// An index is fresh when it is above the highest, or inside the window and not yet marked.
class ReplayWindow {
 public:
  // size: 1..32768 packets (RFC 3711 3.3.2 asks for at least 64).
  explicit ReplayWindow(size_t size = 64);

  // kReplay if index was accepted before or lies before the window.
  Status Check(uint64_t index) const;
  // Marks index as received (call only after the packet authenticated).
  void Accept(uint64_t index);

  bool empty() const { return !any_; }
  uint64_t highest() const { return highest_; }
  size_t size() const { return size_; }

 private:
  bool Bit(uint64_t index) const;
  void SetBit(uint64_t index, bool v);

  size_t size_;
  uint64_t capacity_;  // bits in the ring: a power of two, >= 64 and >= size_
  std::vector<uint64_t> bits_;
  uint64_t highest_ = 0;
  bool any_ = false;
};

}  // namespace kb::srtp
