// Bounds-checked byte cursor (ByteReader) and builder (ByteWriter), big-endian, for every codec.
//
// A parser is a chain of reader calls ending with ExpectEnd(); each call checks the length,
// advances, and on failure returns an Error naming the field and its absolute offset. A
// length-prefixed field comes back as a new reader over exactly its octets, so a nested parser
// cannot wander into its neighbour. The writer computes length prefixes after the fact.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace kb {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

inline ByteView AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view AsString(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline Bytes ToBytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

// Reads fields from a byte string. Not thread-safe; cheap to copy (a view and two offsets).
class ByteReader {
 public:
  explicit ByteReader(ByteView data, size_t base_offset = 0) : data_(data), base_(base_offset) {}

  size_t remaining() const { return data_.size() - pos_; }
  bool empty() const { return remaining() == 0; }
  // Absolute offset of the next octet in the outermost buffer.
  size_t offset() const { return base_ + pos_; }

  Result<uint8_t> U8(std::string_view field);
  Result<uint16_t> U16(std::string_view field);
  Result<uint32_t> U24(std::string_view field);
  Result<uint32_t> U32(std::string_view field);
  Result<uint64_t> U40(std::string_view field);
  Result<uint64_t> U64(std::string_view field);
  // Unsigned big-endian integer of 1..8 octets.
  Result<uint64_t> Uint(size_t octets, std::string_view field);

  Result<ByteView> Take(size_t n, std::string_view field);
  Result<Bytes> TakeCopy(size_t n, std::string_view field);
  // A reader over the next n octets; this reader advances past them.
  Result<ByteReader> Sub(size_t n, std::string_view field);
  Result<ByteReader> U8Prefixed(std::string_view field);
  Result<ByteReader> U16Prefixed(std::string_view field);
  // Looks at the next octet without consuming it.
  Result<uint8_t> PeekU8(std::string_view field) const;

  // Everything not yet read; the reader becomes empty.
  ByteView Rest();
  // The octets already read, from the start of this reader's view.
  ByteView Consumed() const { return data_.first(pos_); }
  ByteView View() const { return data_; }

  // Fails with kMalformed if octets are left over.
  Status ExpectEnd(std::string_view what) const;

  // Builds an error that names the field at the current offset.
  Error MalformedAt(std::string_view field, std::string_view why) const;

 private:
  Status Need(size_t n, std::string_view field) const;

  ByteView data_;
  size_t base_ = 0;
  size_t pos_ = 0;
};

// Appends fields to a growing byte string.
class ByteWriter {
 public:
  ByteWriter() = default;
  explicit ByteWriter(size_t reserve) { out_.reserve(reserve); }

  ByteWriter& U8(uint8_t v);
  ByteWriter& U16(uint16_t v);
  ByteWriter& U24(uint32_t v);
  ByteWriter& U32(uint32_t v);
  ByteWriter& U40(uint64_t v);
  ByteWriter& U64(uint64_t v);
  ByteWriter& Uint(uint64_t v, size_t octets);
  ByteWriter& Append(ByteView b);
  ByteWriter& Append(std::string_view s) { return Append(AsBytes(s)); }
  ByteWriter& Zeros(size_t n);

  // Reserves a length field of 1 or 2 octets and returns its position; EndLength fills it with
  // the number of octets written since. Fails (kInvalidArgument) if the length does not fit.
  size_t BeginU8Length();
  size_t BeginU16Length();
  Status EndU8Length(size_t mark);
  Status EndU16Length(size_t mark);

  void PatchU8(size_t pos, uint8_t v);
  void PatchU16(size_t pos, uint16_t v);

  size_t size() const { return out_.size(); }
  ByteView view() const { return out_; }
  Bytes Take() && { return std::move(out_); }
  const Bytes& bytes() const { return out_; }

 private:
  Bytes out_;
};

}  // namespace kb
