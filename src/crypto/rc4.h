// RC4 (ARCFOUR) keystream generator, for Motorola ADP (P25 ALGID 0xAA). RC4 is broken; it
// exists here only to interoperate with deployed radios.
#pragma once

#include <array>
#include <cstdint>

#include "core/bytes.h"

namespace kb::crypto {

// RC4 state after the key schedule; Next() yields keystream octets. Wipes its state on
// destruction.
class Rc4 {
 public:
  // Key of 1..256 octets (the caller checks; an empty key is a programming error).
  explicit Rc4(ByteView key);
  ~Rc4();
  Rc4(const Rc4&) = delete;
  Rc4& operator=(const Rc4&) = delete;

  uint8_t Next();
  // Fills out with the next keystream octets.
  void Fill(std::span<uint8_t> out);

 private:
  std::array<uint8_t, 256> s_{};
  uint8_t i_ = 0;
  uint8_t j_ = 0;
};

}  // namespace kb::crypto
