// Bounds-checked byte cursor and builder.
#include "core/bytes.h"

#include <fmt/format.h>

namespace kb {

Error ByteReader::MalformedAt(std::string_view field, std::string_view why) const {
  return Error::Malformed(fmt::format("{} at offset {}: {}", field, offset(), why));
}

Status ByteReader::Need(size_t n, std::string_view field) const {
  if (n > remaining()) {
    return Fail(Error::Truncated(
        fmt::format("{} at offset {}: needs {} octets, {} left", field, offset(), n, remaining())));
  }
  return Ok();
}

Result<uint64_t> ByteReader::Uint(size_t octets, std::string_view field) {
  if (octets == 0 || octets > 8) {
    return Fail(Error::InvalidArgument(fmt::format("{}: integer of {} octets", field, octets)));
  }
  KB_CHECK(Need(octets, field));
  uint64_t v = 0;
  for (size_t i = 0; i < octets; ++i) v = (v << 8) | data_[pos_ + i];
  pos_ += octets;
  return v;
}

Result<uint8_t> ByteReader::U8(std::string_view field) {
  KB_TRY(uint64_t v, Uint(1, field));
  return static_cast<uint8_t>(v);
}
Result<uint16_t> ByteReader::U16(std::string_view field) {
  KB_TRY(uint64_t v, Uint(2, field));
  return static_cast<uint16_t>(v);
}
Result<uint32_t> ByteReader::U24(std::string_view field) {
  KB_TRY(uint64_t v, Uint(3, field));
  return static_cast<uint32_t>(v);
}
Result<uint32_t> ByteReader::U32(std::string_view field) {
  KB_TRY(uint64_t v, Uint(4, field));
  return static_cast<uint32_t>(v);
}
Result<uint64_t> ByteReader::U40(std::string_view field) { return Uint(5, field); }
Result<uint64_t> ByteReader::U64(std::string_view field) { return Uint(8, field); }

Result<ByteView> ByteReader::Take(size_t n, std::string_view field) {
  KB_CHECK(Need(n, field));
  ByteView v = data_.subspan(pos_, n);
  pos_ += n;
  return v;
}

Result<Bytes> ByteReader::TakeCopy(size_t n, std::string_view field) {
  KB_TRY(ByteView v, Take(n, field));
  return Bytes(v.begin(), v.end());
}

Result<ByteReader> ByteReader::Sub(size_t n, std::string_view field) {
  size_t start = offset();
  KB_TRY(ByteView v, Take(n, field));
  return ByteReader(v, start);
}

Result<ByteReader> ByteReader::U8Prefixed(std::string_view field) {
  KB_TRY(uint8_t n, U8(field));
  return Sub(n, field);
}

Result<ByteReader> ByteReader::U16Prefixed(std::string_view field) {
  KB_TRY(uint16_t n, U16(field));
  return Sub(n, field);
}

Result<uint8_t> ByteReader::PeekU8(std::string_view field) const {
  KB_CHECK(Need(1, field));
  return data_[pos_];
}

ByteView ByteReader::Rest() {
  ByteView v = data_.subspan(pos_);
  pos_ = data_.size();
  return v;
}

Status ByteReader::ExpectEnd(std::string_view what) const {
  if (!empty()) {
    return Fail(Error::Malformed(fmt::format("{} at offset {}: {} unexpected trailing octets", what,
                                             offset(), remaining())));
  }
  return Ok();
}

ByteWriter& ByteWriter::Uint(uint64_t v, size_t octets) {
  for (size_t i = octets; i-- > 0;) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  return *this;
}
ByteWriter& ByteWriter::U8(uint8_t v) { return Uint(v, 1); }
ByteWriter& ByteWriter::U16(uint16_t v) { return Uint(v, 2); }
ByteWriter& ByteWriter::U24(uint32_t v) { return Uint(v, 3); }
ByteWriter& ByteWriter::U32(uint32_t v) { return Uint(v, 4); }
ByteWriter& ByteWriter::U40(uint64_t v) { return Uint(v, 5); }
ByteWriter& ByteWriter::U64(uint64_t v) { return Uint(v, 8); }

ByteWriter& ByteWriter::Append(ByteView b) {
  out_.insert(out_.end(), b.begin(), b.end());
  return *this;
}

ByteWriter& ByteWriter::Zeros(size_t n) {
  out_.insert(out_.end(), n, 0);
  return *this;
}

size_t ByteWriter::BeginU8Length() {
  out_.push_back(0);
  return out_.size() - 1;
}

size_t ByteWriter::BeginU16Length() {
  out_.push_back(0);
  out_.push_back(0);
  return out_.size() - 2;
}

Status ByteWriter::EndU8Length(size_t mark) {
  size_t n = out_.size() - mark - 1;
  if (n > 0xff) return Fail(Error::InvalidArgument(fmt::format("length {} exceeds 255", n)));
  PatchU8(mark, static_cast<uint8_t>(n));
  return Ok();
}

Status ByteWriter::EndU16Length(size_t mark) {
  size_t n = out_.size() - mark - 2;
  if (n > 0xffff) return Fail(Error::InvalidArgument(fmt::format("length {} exceeds 65535", n)));
  PatchU16(mark, static_cast<uint16_t>(n));
  return Ok();
}

void ByteWriter::PatchU8(size_t pos, uint8_t v) { out_.at(pos) = v; }

void ByteWriter::PatchU16(size_t pos, uint16_t v) {
  out_.at(pos) = static_cast<uint8_t>(v >> 8);
  out_.at(pos + 1) = static_cast<uint8_t>(v);
}

}  // namespace kb
