// TS 24.380 6.3 (reduced): one group's floor between MC clients and the LMR side at the IWF.
#include "call/group_floor.h"

#include <gtest/gtest.h>

namespace kb::call {
namespace {

const std::string kAlice = "sip:alice@example.org";
const std::string kBob = "sip:bob@example.org";
const std::string kLmr = "lmr:sip:fire@example.org";

FloorMessage Msg(FloorMessageType t, std::string claimed_user = "") {
  FloorMessage m;
  m.type = t;
  m.user_id = std::move(claimed_user);
  return m;
}

// The messages for one participant, in order.
std::vector<FloorMessageType> For(const std::vector<FloorSend>& sends, const std::string& who) {
  std::vector<FloorMessageType> out;
  for (const auto& s : sends)
    if (s.to == who) out.push_back(s.message.type);
  return out;
}

TEST(GroupFloor, RadioTakesIdleFloorAndClientsAreDeniedUntilSilence) {
  GroupFloor floor(0x1234, kLmr);
  EXPECT_TRUE(floor.Join(kAlice).empty());
  EXPECT_TRUE(floor.Join(kBob).empty());
  auto taken = floor.OnLmrVoice();
  ASSERT_EQ(taken.size(), 2u);
  for (const auto& s : taken) {
    EXPECT_EQ(s.message.type, FloorMessageType::kTaken);
    EXPECT_EQ(s.message.granted_party_identity, kLmr);
    EXPECT_EQ(s.message.ssrc, 0x1234u);
  }
  EXPECT_TRUE(floor.OnLmrVoice().empty());  // still the radio: nothing new
  EXPECT_TRUE(floor.LmrHolds());
  auto deny = floor.OnMessage(kBob, Msg(FloorMessageType::kRequest, kBob));
  ASSERT_EQ(deny.size(), 1u);
  EXPECT_EQ(deny[0].to, kBob);
  EXPECT_EQ(deny[0].message.type, FloorMessageType::kDeny);
  EXPECT_EQ(deny[0].message.reject_cause, kRejectAnotherUserHasPermission);
  EXPECT_FALSE(floor.MayTalk(kBob));
  // A client cannot release the radio's floor.
  EXPECT_TRUE(floor.OnMessage(kBob, Msg(FloorMessageType::kRelease, kLmr)).empty());
  auto idle = floor.OnLmrSilence();
  EXPECT_EQ(For(idle, kAlice), std::vector{FloorMessageType::kIdle});
  EXPECT_EQ(For(idle, kBob), std::vector{FloorMessageType::kIdle});
  EXPECT_FALSE(floor.holder());
  EXPECT_TRUE(floor.OnLmrSilence().empty());  // already idle
}

TEST(GroupFloor, GrantTakenToOthersReleaseIdleToAll) {
  GroupFloor floor(1, kLmr);
  floor.Join(kAlice);
  floor.Join(kBob);
  auto g = floor.OnMessage(kBob, Msg(FloorMessageType::kRequest));
  EXPECT_EQ(For(g, kBob), std::vector{FloorMessageType::kGranted});
  EXPECT_EQ(For(g, kAlice), std::vector{FloorMessageType::kTaken});
  EXPECT_EQ(g.back().message.granted_party_identity, kBob);
  EXPECT_TRUE(floor.MayTalk(kBob));
  EXPECT_FALSE(floor.MayTalk(kAlice));
  // The radio talking over a granted client does not take the floor from it.
  EXPECT_TRUE(floor.OnLmrVoice().empty());
  EXPECT_TRUE(floor.OnLmrSilence().empty());
  EXPECT_TRUE(floor.MayTalk(kBob));
  // alice is denied; her Release is ignored.
  EXPECT_EQ(For(floor.OnMessage(kAlice, Msg(FloorMessageType::kRequest)), kAlice),
            std::vector{FloorMessageType::kDeny});
  EXPECT_TRUE(floor.OnMessage(kAlice, Msg(FloorMessageType::kRelease)).empty());
  auto idle = floor.OnMessage(kBob, Msg(FloorMessageType::kRelease));
  EXPECT_EQ(idle.size(), 2u);
  EXPECT_FALSE(floor.MayTalk(kBob));
}

TEST(GroupFloor, IdentityComesFromTheCallerNotThePacket) {
  GroupFloor floor(1, kLmr);
  floor.Join(kAlice);
  floor.Join(kBob);
  // bob claims to be alice in the User ID field: the grant is still bob's.
  floor.OnMessage(kBob, Msg(FloorMessageType::kRequest, kAlice));
  EXPECT_EQ(floor.holder(), kBob);
  EXPECT_FALSE(floor.MayTalk(kAlice));
  // and alice cannot release bob's floor by naming him.
  EXPECT_TRUE(floor.OnMessage(kAlice, Msg(FloorMessageType::kRelease, kBob)).empty());
  EXPECT_EQ(floor.holder(), kBob);
  // The LMR side's name cannot be used by a client to talk.
  EXPECT_TRUE(floor.OnMessage(kLmr, Msg(FloorMessageType::kRequest)).empty());
}

TEST(GroupFloor, LateJoinerToldAndHolderLeavingFreesTheFloor) {
  GroupFloor floor(1, kLmr);
  floor.Join(kBob);
  floor.OnMessage(kBob, Msg(FloorMessageType::kRequest));
  auto late = floor.Join(kAlice);
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(late[0].message.type, FloorMessageType::kTaken);
  EXPECT_EQ(late[0].message.granted_party_identity, kBob);
  auto left = floor.Leave(kBob);
  EXPECT_EQ(For(left, kAlice), std::vector{FloorMessageType::kIdle});
  EXPECT_TRUE(For(left, kBob).empty());
  EXPECT_FALSE(floor.holder());
  EXPECT_TRUE(floor.Leave(kAlice).empty());
  EXPECT_TRUE(floor.OnLmrVoice().empty());  // nobody to tell, but the radio holds it
  EXPECT_TRUE(floor.LmrHolds());
}

}  // namespace
}  // namespace kb::call
