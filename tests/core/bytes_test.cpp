// Tests of the bounds-checked ByteReader and ByteWriter.
#include "core/bytes.h"

#include <gtest/gtest.h>

namespace kb {
namespace {

TEST(ByteReader, ReadsBigEndianFields) {
  Bytes data = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a};
  ByteReader r(data);
  EXPECT_EQ(*r.U8("a"), 0x01);
  EXPECT_EQ(*r.U16("b"), 0x0203);
  EXPECT_EQ(*r.U24("c"), 0x040506u);
  EXPECT_EQ(*r.U32("d"), 0x0708090au);
  EXPECT_TRUE(r.empty());
  EXPECT_TRUE(r.ExpectEnd("msg").has_value());
}

TEST(ByteReader, TruncationNamesFieldAndOffset) {
  Bytes data = {0x01, 0x02, 0x03};
  ByteReader r(data);
  ASSERT_TRUE(r.U16("first"));
  auto v = r.U16("HDR.length");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().kind(), ErrorKind::kTruncated);
  EXPECT_NE(v.error().message().find("HDR.length"), std::string::npos);
  EXPECT_NE(v.error().message().find("offset 2"), std::string::npos);
  // A failed read does not advance.
  EXPECT_EQ(r.remaining(), 1u);
}

TEST(ByteReader, PrefixedSubReaderStaysInside) {
  Bytes data = {0x00, 0x02, 0xaa, 0xbb, 0xcc};
  ByteReader r(data);
  auto sub = r.U16Prefixed("field");
  ASSERT_TRUE(sub);
  EXPECT_EQ(sub->offset(), 2u);
  EXPECT_EQ(*sub->U16("inner"), 0xaabb);
  EXPECT_FALSE(sub->U8("beyond"));
  EXPECT_EQ(*r.U8("next"), 0xcc);
}

TEST(ByteReader, PrefixLongerThanDataIsTruncated) {
  Bytes data = {0x05, 0x01, 0x02};
  ByteReader r(data);
  auto sub = r.U8Prefixed("ID");
  ASSERT_FALSE(sub);
  EXPECT_EQ(sub.error().kind(), ErrorKind::kTruncated);
}

TEST(ByteReader, TrailingOctetsAreMalformed) {
  Bytes data = {0x01, 0x02};
  ByteReader r(data);
  ASSERT_TRUE(r.U8("a"));
  auto s = r.ExpectEnd("KMM");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind(), ErrorKind::kMalformed);
  EXPECT_NE(s.error().message().find("offset 1"), std::string::npos);
}

TEST(ByteWriter, WritesAndPatchesLengths) {
  ByteWriter w;
  w.U8(0x01).U16(0x0203).U24(0x040506).U32(0x0708090a).U40(0x0b0c0d0e0f);
  size_t mark = w.BeginU16Length();
  w.Append(std::string_view("abc"));
  ASSERT_TRUE(w.EndU16Length(mark));
  Bytes expected = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
                    0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x00, 0x03, 'a',  'b',  'c'};
  EXPECT_EQ(w.bytes(), expected);
}

TEST(ByteWriter, LengthOverflowIsAnError) {
  ByteWriter w;
  size_t mark = w.BeginU8Length();
  w.Zeros(256);
  EXPECT_FALSE(w.EndU8Length(mark));
}

TEST(ByteReaderWriter, RoundTripOfEveryWidth) {
  for (size_t width = 1; width <= 8; ++width) {
    uint64_t v = 0x0123456789abcdefULL >> (8 * (8 - width));
    ByteWriter w;
    w.Uint(v, width);
    ByteReader r(w.view());
    EXPECT_EQ(*r.Uint(width, "v"), v);
  }
}

}  // namespace
}  // namespace kb
