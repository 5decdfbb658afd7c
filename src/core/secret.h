// SecretBytes: key material that wipes itself and cannot be printed, formatted or logged.
//
// Keys travel through the layers as SecretBytes (or a typed key that holds one), never as a
// plain byte vector. There is no operator<<, no fmt formatter and no implicit conversion;
// reading the octets needs an explicit Reveal(). Copies are explicit too (Clone()), so each
// copy is a visible decision. The storage is wiped on destruction, move and Clear().
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/bytes.h"

namespace kb {

// Overwrites memory in a way the compiler may not elide.
void SecureWipe(void* data, size_t size);

// Compares two byte strings in time that depends only on their lengths.
bool ConstantTimeEqual(ByteView a, ByteView b);

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(size_t size) : data_(size, 0) {}
  explicit SecretBytes(ByteView bytes) : data_(bytes.begin(), bytes.end()) {}
  // Takes the octets and wipes the source vector.
  static SecretBytes Adopt(Bytes&& bytes);

  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  ~SecretBytes() { Clear(); }

  SecretBytes Clone() const { return SecretBytes(ByteView(data_)); }

  size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }

  // The octets, for the crypto code that needs them. Never log or format the result.
  ByteView Reveal() const { return data_; }
  std::span<uint8_t> RevealMutable() { return data_; }

  void Clear();

  // Constant-time comparison.
  friend bool operator==(const SecretBytes& a, const SecretBytes& b) {
    return ConstantTimeEqual(a.data_, b.data_);
  }

 private:
  std::vector<uint8_t> data_;
};

}  // namespace kb
