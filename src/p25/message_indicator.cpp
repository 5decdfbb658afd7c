// TIA-102.AAAD Message Indicator and next-MI LFSR (x^64+x^62+x^46+x^38+x^27+x^15+1).
#include "p25/message_indicator.h"

namespace kb::p25 {

uint64_t MiLfsr64(uint64_t state) {
  // Bit k of the register is the coefficient of x^(k+1); the taps are x^64, x^62, x^46, x^38,
  // x^27 and x^15, i.e. bits 63, 61, 45, 37, 26 and 14.
  for (int clock = 0; clock < 64; ++clock) {
    uint64_t fb = (state >> 63) ^ (state >> 61) ^ (state >> 45) ^ (state >> 37) ^ (state >> 26) ^
                  (state >> 14);
    state = (state << 1) | (fb & 1);
  }
  return state;
}

Result<MessageIndicator> MessageIndicator::Read(ByteReader& r) {
  KB_TRY(uint64_t v, r.U64("MI"));
  KB_CHECK(r.U8("MI reserved octet"));
  return MessageIndicator(v);
}

Result<MessageIndicator> MessageIndicator::Parse(ByteView mi9) {
  ByteReader r(mi9);
  KB_TRY(MessageIndicator mi, Read(r));
  KB_CHECK(r.ExpectEnd("MI"));
  return mi;
}

std::array<uint8_t, MessageIndicator::kSize> MessageIndicator::Bytes() const {
  std::array<uint8_t, kSize> out{};
  for (size_t i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(value_ >> (56 - 8 * i));
  return out;
}

void MessageIndicator::Write(ByteWriter& w) const { w.U64(value_).U8(0); }

MessageIndicator MessageIndicator::Next() const { return MessageIndicator(MiLfsr64(value_)); }

std::array<uint8_t, 16> MessageIndicator::AesIv() const {
  std::array<uint8_t, 16> iv{};
  uint64_t next = MiLfsr64(value_);
  for (size_t i = 0; i < 8; ++i) {
    iv[i] = static_cast<uint8_t>(value_ >> (56 - 8 * i));
    iv[8 + i] = static_cast<uint8_t>(next >> (56 - 8 * i));
  }
  return iv;
}

}  // namespace kb::p25
