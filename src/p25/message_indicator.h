// TIA-102.AAAD Message Indicator (MI): the 72-bit MI and its next-MI LFSR
// x^64 + x^62 + x^46 + x^38 + x^27 + x^15 + 1.
#pragma once

#include <array>
#include <cstdint>

#include "core/bytes.h"

namespace kb::p25 {

// A 72-bit Message Indicator. Only the first 64 bits carry state; the 9th octet is reserved:
// it is ignored when parsing and always encoded as 0x00.
class MessageIndicator {
 public:
  static constexpr size_t kSize = 9;

  constexpr MessageIndicator() = default;
  // The MI whose first 8 octets are v, big-endian.
  constexpr explicit MessageIndicator(uint64_t v) : value_(v) {}
  // Reads a 9-octet MI (kTruncated/kMalformed with the offset when the length is wrong). An
  // all-zero MI parses; users of the keystream reject it.
  static Result<MessageIndicator> Parse(ByteView mi9);
  static Result<MessageIndicator> Read(ByteReader& r);

  constexpr uint64_t value() const { return value_; }
  constexpr bool IsZero() const { return value_ == 0; }
  std::array<uint8_t, kSize> Bytes() const;
  void Write(ByteWriter& w) const;

  // The MI of the next superframe: the LFSR clocked 64 times.
  MessageIndicator Next() const;
  // The 16-octet AES-OFB IV: MI[0..7] || Next()[0..7].
  std::array<uint8_t, 16> AesIv() const;

  friend constexpr bool operator==(MessageIndicator, MessageIndicator) = default;

 private:
  uint64_t value_ = 0;
};

// Clocks the MI LFSR 64 times: each clock feeds b63^b61^b45^b37^b26^b14 back into bit 0 after a
// left shift.
uint64_t MiLfsr64(uint64_t state);

}  // namespace kb::p25
