// TS 24.380 8.2 floor control messages in RTCP APP: round trips, wire layout, malformed packets,
// and the one-talker arbitrator.
#include "call/floor_control.h"

#include <gtest/gtest.h>

#include "core/encoding.h"

namespace kb::call {
namespace {

TEST(FloorControl, RequestWireLayout) {
  FloorMessage m;
  m.type = FloorMessageType::kRequest;
  m.ssrc = 0x11223344;
  m.priority = 5;
  Bytes wire = m.Encode();
  // V=2 subtype 0, PT 204, length 3 words - 1, SSRC, "MCPT", field 0 len 2 = {5, 0}.
  EXPECT_EQ(ToHex(wire),
            "80cc0003112233444d4350540002"
            "0500");
  auto back = FloorMessage::Decode(wire);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(*back, m);
}

TEST(FloorControl, RoundTripsEveryField) {
  FloorMessage m;
  m.type = FloorMessageType::kDeny;
  m.ack_required = true;
  m.ssrc = 7;
  m.reject_cause = kRejectAnotherUserHasPermission;
  m.reject_phrase = "busy";
  m.user_id = "sip:alice@example.org";
  m.granted_party_identity = "sip:iwf@example.org";
  m.duration_seconds = 30;
  Bytes wire = m.Encode();
  EXPECT_EQ(wire.size() % 4, 0u);
  EXPECT_EQ(wire[0], 0x80 | 0x10 | 3);
  auto back = FloorMessage::Decode(wire);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(*back, m);
}

TEST(FloorControl, MalformedPacketsAreRefused) {
  FloorMessage m;
  m.type = FloorMessageType::kRelease;
  m.user_id = "sip:bob@example.org";
  Bytes good = m.Encode();
  ASSERT_TRUE(FloorMessage::Decode(good));
  Bytes v1 = good;
  v1[0] = static_cast<uint8_t>((v1[0] & 0x3f) | 0x40);
  EXPECT_FALSE(FloorMessage::Decode(v1));
  Bytes sr = good;
  sr[1] = 200;
  EXPECT_FALSE(FloorMessage::Decode(sr));
  Bytes name = good;
  name[8] = 'X';
  auto n = FloorMessage::Decode(name);
  ASSERT_FALSE(n);
  EXPECT_NE(n.error().message().find("MCPT"), std::string::npos);
  Bytes shorter(good.begin(), good.end() - 4);
  EXPECT_FALSE(FloorMessage::Decode(shorter));  // length field no longer matches
  Bytes overrun = good;
  overrun[13] = 200;  // field length past the end
  EXPECT_FALSE(FloorMessage::Decode(overrun));
  Bytes type = good;
  type[0] = 0x80 | 0x0f;
  auto t = FloorMessage::Decode(type);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind(), ErrorKind::kUnsupported);
  for (size_t cut = 0; cut < 12; ++cut) {
    EXPECT_FALSE(FloorMessage::Decode(ByteView(good).first(cut))) << cut;
  }
}

TEST(FloorControl, OneTalkerAtATime) {
  FloorArbitrator arb(0xABCD);
  FloorMessage req;
  req.type = FloorMessageType::kRequest;
  req.user_id = "sip:alice@example.org";
  auto g = arb.Handle(req);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->type, FloorMessageType::kGranted);
  EXPECT_EQ(g->duration_seconds, 30);
  FloorMessage bob = req;
  bob.user_id = "sip:bob@example.org";
  auto d = arb.Handle(bob);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->type, FloorMessageType::kDeny);
  EXPECT_EQ(d->reject_cause, kRejectAnotherUserHasPermission);
  FloorMessage bob_release = bob;
  bob_release.type = FloorMessageType::kRelease;
  EXPECT_FALSE(arb.Handle(bob_release));  // not the holder
  EXPECT_EQ(arb.holder(), "sip:alice@example.org");
  FloorMessage release = req;
  release.type = FloorMessageType::kRelease;
  auto idle = arb.Handle(release);
  ASSERT_TRUE(idle);
  EXPECT_EQ(idle->type, FloorMessageType::kIdle);
  // Through the wire form: bob now gets the floor.
  auto bob_wire = FloorMessage::Decode(bob.Encode());
  ASSERT_TRUE(bob_wire);
  auto g2 = arb.Handle(*bob_wire);
  ASSERT_TRUE(g2);
  EXPECT_EQ(g2->type, FloorMessageType::kGranted);
}

}  // namespace
}  // namespace kb::call
