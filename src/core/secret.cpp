// SecretBytes: key material that wipes itself.
#include "core/secret.h"

#include <string.h>

namespace kb {

void SecureWipe(void* data, size_t size) {
  if (data != nullptr && size > 0) explicit_bzero(data, size);
}

bool ConstantTimeEqual(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  uint8_t diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<uint8_t>(a[i] ^ b[i]);
  // Keep the compiler from short-circuiting the loop.
  volatile uint8_t sink = diff;
  return sink == 0;
}

SecretBytes SecretBytes::Adopt(Bytes&& bytes) {
  SecretBytes s{ByteView(bytes)};
  SecureWipe(bytes.data(), bytes.size());
  bytes.clear();
  return s;
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept : data_(std::move(other.data_)) {
  other.data_.clear();
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    Clear();
    data_ = std::move(other.data_);
    other.data_.clear();
  }
  return *this;
}

void SecretBytes::Clear() {
  SecureWipe(data_.data(), data_.size());
  data_.clear();
}

}  // namespace kb
