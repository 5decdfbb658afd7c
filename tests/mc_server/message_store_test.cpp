// TS 23.283 10.12 relay store: the in-memory MessageStore and the stored body form.
#include <gtest/gtest.h>

#include "mc_server/memory_message_store.h"

namespace kb::mc_server {
namespace {

StoredMessage Msg(std::string target, uint8_t id) {
  StoredMessage m;
  m.target = std::move(target);
  m.sender = "sip:iwf@example.org";
  m.message_id[0] = id;
  m.kind = "request";
  m.body = {id};
  return m;
}

TEST(MessageStore, StoredBodyRoundTripAndTruncation) {
  std::vector<net::BodyPart> parts{{"application/a", {1, 2}}, {"application/b", {}}};
  Bytes b = EncodeStoredBody(parts);
  auto back = DecodeStoredBody(b);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, parts);
  b.pop_back();
  b.pop_back();
  EXPECT_FALSE(DecodeStoredBody(b));
  b = EncodeStoredBody(parts);
  b.push_back(0);
  EXPECT_FALSE(DecodeStoredBody(b));
}

TEST(MessageStore, MemoryOrderDedupAndPrune) {
  MemoryMessageStore s;
  std::vector<StoredMessage> batch{Msg("sip:a@x", 1), Msg("sip:b@x", 2), Msg("sip:a@x", 3),
                                   Msg("sip:a@x", 1)};
  auto fresh = s.Append(batch);
  ASSERT_TRUE(fresh);
  EXPECT_EQ(*fresh, (std::vector<bool>{true, true, true, false}));
  auto a = *s.Pending("sip:a@x", 10);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].message_id[0], 1);
  EXPECT_EQ(a[1].message_id[0], 3);
  EXPECT_LT(a[0].seq, a[1].seq);
  EXPECT_EQ(*s.PendingTargets(), (std::vector<std::string>{"sip:a@x", "sip:b@x"}));
  int64_t seq = a[0].seq;
  ASSERT_TRUE(s.MarkDelivered(std::span(&seq, 1)));
  EXPECT_EQ(*s.PendingCount(), 2u);
  // Delivered but remembered: still a duplicate.
  std::vector<StoredMessage> again{Msg("sip:a@x", 1)};
  EXPECT_EQ(*s.Append(again), std::vector<bool>{false});
  ASSERT_TRUE(s.Prune(0));
  EXPECT_EQ(*s.Append(again), std::vector<bool>{true});
}

}  // namespace
}  // namespace kb::mc_server
