// RC4 (ARCFOUR): the key-scheduling algorithm and the pseudo-random generation algorithm.
#include "crypto/rc4.h"

#include <stdexcept>
#include <utility>

#include "core/secret.h"

namespace kb::crypto {

Rc4::Rc4(ByteView key) {
  if (key.empty() || key.size() > 256) throw std::invalid_argument("RC4 key of 1..256 octets");
  for (size_t k = 0; k < s_.size(); ++k) s_[k] = static_cast<uint8_t>(k);
  uint8_t j = 0;
  for (size_t k = 0; k < s_.size(); ++k) {
    j = static_cast<uint8_t>(j + s_[k] + key[k % key.size()]);
    std::swap(s_[k], s_[j]);
  }
}

Rc4::~Rc4() {
  SecureWipe(s_.data(), s_.size());
  i_ = 0;
  j_ = 0;
}

uint8_t Rc4::Next() {
  i_ = static_cast<uint8_t>(i_ + 1);
  j_ = static_cast<uint8_t>(j_ + s_[i_]);
  std::swap(s_[i_], s_[j_]);
  return s_[static_cast<uint8_t>(s_[i_] + s_[j_])];
}

void Rc4::Fill(std::span<uint8_t> out) {
  for (uint8_t& b : out) b = Next();
}

}  // namespace kb::crypto
