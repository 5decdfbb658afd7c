// TIA-102.AACA §9.2 KMF with both network faces (docs/kmf.md "Mode both"): KMMs to the MC face's
// RSIs go over the MC face, all others over UDP; send errors come back from the face used; and
// a KMF service on the router reaches units on both faces in one campaign.
#include "kmf_service/routing_kmf_transport.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "kmf/kmf_fixture.h"
#include "kmf_service/kmf_service.h"

namespace kb::kmf_service {
namespace {

// Records what it is asked to send; can be made to fail.
class RecordingTransport final : public KmfTransport {
 public:
  explicit RecordingTransport(std::string name) : name_(std::move(name)) {}
  Status SendKmm(kmf::Rsi destination, ByteView kmm) override {
    if (fail_) return Fail(Error::Io(name_ + ": send failed"));
    sent.push_back({destination, Bytes(kmm.begin(), kmm.end())});
    return Ok();
  }
  std::string Describe() const override { return name_; }
  std::vector<std::pair<kmf::Rsi, Bytes>> sent;
  bool fail_ = false;

 private:
  std::string name_;
};

TEST(RoutingKmfTransportTest, RoutesByDestinationRsi) {
  RecordingTransport udp("UDP"), mc("MC");
  RoutingKmfTransport router(udp, mc, {1001, 1002});
  const Bytes kmm{0x01, 0x02};
  ASSERT_TRUE(router.SendKmm(1001, kmm));
  ASSERT_TRUE(router.SendKmm(2001, kmm));
  ASSERT_TRUE(router.SendKmm(1002, kmm));
  ASSERT_TRUE(router.SendKmm(1003, kmm));
  ASSERT_EQ(mc.sent.size(), 2u);
  EXPECT_EQ(mc.sent[0].first, 1001u);
  EXPECT_EQ(mc.sent[1].first, 1002u);
  ASSERT_EQ(udp.sent.size(), 2u);
  EXPECT_EQ(udp.sent[0].first, 2001u);
  EXPECT_EQ(udp.sent[1].first, 1003u);
  EXPECT_EQ(udp.sent[0].second, kmm);
  EXPECT_TRUE(router.ViaMc(1001));
  EXPECT_FALSE(router.ViaMc(1003));
  EXPECT_EQ(router.Describe(), "2 RSIs over MC; every other RSI over UDP");
  // A failing face fails only its own sends.
  mc.fail_ = true;
  auto st = router.SendKmm(1001, kmm);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message(), "MC: send failed");
  EXPECT_TRUE(router.SendKmm(1003, kmm));
}

class RoutingKmfServiceTest : public kmf::testing::KmfFixture {};

TEST_F(RoutingKmfServiceTest, OneCampaignReachesUnitsOnBothFaces) {
  RecordingTransport udp("UDP"), mc("MC");
  RoutingKmfTransport router(udp, mc, {1002});
  KmfService service(store_);
  service.SetTransport(&router);
  ASSERT_TRUE(engine_.RekeyGroup("police", "tac", kmf::testing::kT0));
  service.Step();
  std::map<kmf::Rsi, std::string> via;
  for (const auto& [rsi, kmm] : udp.sent) via[rsi] = "udp";
  for (const auto& [rsi, kmm] : mc.sent) via[rsi] = "mc";
  EXPECT_EQ(via, (std::map<kmf::Rsi, std::string>{{1001, "udp"}, {1002, "mc"}, {1003, "udp"}}));
  EXPECT_EQ(service.counters().sent, 3u);
}

}  // namespace
}  // namespace kb::kmf_service
