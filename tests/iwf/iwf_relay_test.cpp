// TS 23.283 10.12 IWF relay logic with scripted faces (the real sockets are exercised by
// tests/cli/iwf_e2e.sh): routing, refusals, exactly-once, order, retry and restart.
#include "iwf/iwf_relay.h"

#include <gtest/gtest.h>

#include <vector>

#include "iwf/memory_iwf_outbox.h"
#include "p25/kmm_frame.h"

namespace kb::iwf {
namespace {

constexpr const char* kIwfUri = "sip:iwf@example.org";

// A KMM header + small body with the given RSIs (no MAC: the relay does not look).
Bytes Kmm(uint32_t dst, uint32_t src, uint8_t message_id = 0x1E, uint8_t filler = 0) {
  p25::KmmFrame f;
  f.header.message_id = static_cast<p25::MessageId>(message_id);
  f.header.destination_rsi = dst;
  f.header.source_rsi = src;
  f.header.message_number = 7;
  f.body = {1, 2, 3, filler};
  return *p25::EncodeKmmFrame(f);
}

struct FakeMc : McFace {
  struct Sent {
    mc::SecurityMessageRequest request;
    McSendDone done;
  };
  std::vector<Sent> sent;
  bool auto_accept = false;
  void Send(mc::SecurityMessageRequest request, McSendDone done) override {
    if (auto_accept) {
      sent.push_back({std::move(request), {}});
      done({McSendOutcome::Kind::kAccepted, 200, "OK"});
      return;
    }
    sent.push_back({std::move(request), std::move(done)});
  }
};

struct FakeLmr : LmrFace {
  std::vector<Bytes> datagrams;
  bool fail = false;
  Status SendToKmf(ByteView d) override {
    if (fail) return Fail(Error::Io("unreachable"));
    datagrams.emplace_back(d.begin(), d.end());
    return Ok();
  }
};

class RelayTest : public ::testing::Test {
 protected:
  void SetUp() override { Make(); }
  void Make() {
    relay_.reset();
    auto map = RsiMap::Build({{1001, "sip:alice@example.org", mc::LmrType::kP25},
                              {1002, "sip:bob@example.org", mc::LmrType::kP25}});
    ASSERT_TRUE(map);
    RelayOptions o;
    o.own_uri = kIwfUri;
    o.clock = [this] { return now_; };
    auto r = IwfRelay::Create(std::move(*map), outbox_, mc_, lmr_, o);
    ASSERT_TRUE(r) << r.error().ToString();
    relay_ = std::move(*r);
  }
  void FromKmf(const Bytes& kmm) { relay_->OnKmfDatagram(EncodeDliDatagram(DliPreamble{}, kmm)); }
  mc::SecurityMessageRequest FromClient(std::string id, Bytes kmm) {
    mc::SecurityMessageRequest r;
    r.mc_service_id = std::move(id);
    r.lmr_security_fe_uri = kIwfUri;
    r.payload = std::move(kmm);
    return r;
  }

  int64_t now_ = 1'000'000;
  MemoryIwfOutbox outbox_;
  FakeMc mc_;
  FakeLmr lmr_;
  std::unique_ptr<IwfRelay> relay_;
};

TEST_F(RelayTest, KmfKmmGoesToTheMappedMcServiceId) {
  Bytes kmm = Kmm(1001, 9999999);
  FromKmf(kmm);
  ASSERT_EQ(mc_.sent.size(), 1u);
  const auto& req = mc_.sent[0].request;
  EXPECT_EQ(req.mc_service_id, "sip:alice@example.org");
  EXPECT_EQ(req.lmr_security_fe_uri, kIwfUri);
  EXPECT_EQ(req.lmr_type, mc::LmrType::kP25);
  EXPECT_EQ(req.payload, kmm);  // the preamble is not relayed
  ASSERT_TRUE(req.message_id);
  EXPECT_TRUE(mc::CheckTowardClient(req));
  EXPECT_EQ(relay_->pending(), 1u);
  mc_.sent[0].done({McSendOutcome::Kind::kAccepted, 200, "OK"});
  EXPECT_EQ(relay_->pending(), 0u);
  auto c = relay_->counters();
  EXPECT_EQ(c.to_mc_accepted, 1u);
  EXPECT_EQ(c.kmf_to_mc_by_message_id[0x1E], 1u);
}

TEST_F(RelayTest, RefusesWhatItCannotRoute) {
  FromKmf(Kmm(4242, 9999999));                     // unknown RSI
  relay_->OnKmfDatagram(Bytes{0x00, 0x00, 0x80});  // truncated preamble
  DliPreamble enc;
  enc.algid = 0x84;
  relay_->OnKmfDatagram(EncodeDliDatagram(enc, Kmm(1001, 1)));  // encrypted
  Bytes bad = Kmm(1001, 1);
  bad.pop_back();
  FromKmf(bad);  // length mismatch
  EXPECT_TRUE(mc_.sent.empty());
  auto c = relay_->counters();
  EXPECT_EQ(c.from_kmf, 4u);
  EXPECT_EQ(c.unknown_rsi, 1u);
  EXPECT_EQ(c.bad_preamble, 1u);
  EXPECT_EQ(c.encrypted_refused, 1u);
  EXPECT_EQ(c.bad_kmm, 1u);
  EXPECT_EQ(outbox_.size(), 0u);
}

TEST_F(RelayTest, DuplicateDatagramIsRelayedOnce) {
  mc_.auto_accept = true;
  Bytes kmm = Kmm(1001, 9999999);
  FromKmf(kmm);
  FromKmf(kmm);
  EXPECT_EQ(mc_.sent.size(), 1u);
  EXPECT_EQ(relay_->counters().duplicates, 1u);
  FromKmf(Kmm(1001, 9999999, 0x1E, 1));  // another KMM: relayed
  EXPECT_EQ(mc_.sent.size(), 2u);
}

TEST_F(RelayTest, OnePerDestinationInFlightKeepsOrder) {
  FromKmf(Kmm(1001, 1, 0x1E, 1));
  FromKmf(Kmm(1001, 1, 0x1E, 2));
  FromKmf(Kmm(1002, 1, 0x1E, 3));
  ASSERT_EQ(mc_.sent.size(), 2u);  // alice's first and bob's
  EXPECT_EQ(mc_.sent[0].request.payload.back(), 1);
  EXPECT_EQ(mc_.sent[1].request.payload.back(), 3);
  mc_.sent[0].done({McSendOutcome::Kind::kAccepted, 200, "OK"});
  ASSERT_EQ(mc_.sent.size(), 3u);
  EXPECT_EQ(mc_.sent[2].request.payload.back(), 2);
}

TEST_F(RelayTest, RetriesWithBackOffThenGivesUpOnRefusal) {
  FromKmf(Kmm(1001, 1));
  ASSERT_EQ(mc_.sent.size(), 1u);
  mc_.sent[0].done({McSendOutcome::Kind::kRetry, 503, "Service Unavailable"});
  relay_->Pump();
  EXPECT_EQ(mc_.sent.size(), 1u);  // not before the back-off
  now_ += 1000;
  relay_->Pump();
  ASSERT_EQ(mc_.sent.size(), 2u);
  EXPECT_EQ(mc_.sent[1].request.message_id, mc_.sent[0].request.message_id);  // same ID
  mc_.sent[1].done({McSendOutcome::Kind::kRetry, 0, "timeout"});
  now_ += 1999;
  relay_->Pump();
  EXPECT_EQ(mc_.sent.size(), 2u);
  now_ += 1;
  relay_->Pump();
  ASSERT_EQ(mc_.sent.size(), 3u);
  mc_.sent[2].done({McSendOutcome::Kind::kRefused, 404, "Not Found"});
  EXPECT_EQ(relay_->pending(), 0u);
  auto c = relay_->counters();
  EXPECT_EQ(c.to_mc_retries, 2u);
  EXPECT_EQ(c.to_mc_refused, 1u);
}

TEST_F(RelayTest, RestartResumesWhatWasInFlight) {
  FromKmf(Kmm(1001, 1, 0x1E, 1));
  FromKmf(Kmm(1001, 1, 0x1E, 2));
  ASSERT_EQ(mc_.sent.size(), 1u);
  auto id1 = mc_.sent[0].request.message_id;
  mc_.sent.clear();  // the answer never comes: the process dies
  Make();            // a new relay on the same outbox
  relay_->Pump();
  ASSERT_EQ(mc_.sent.size(), 1u);
  EXPECT_EQ(mc_.sent[0].request.message_id, id1);
  mc_.sent[0].done({McSendOutcome::Kind::kAccepted, 200, "OK"});
  ASSERT_EQ(mc_.sent.size(), 2u);
  EXPECT_EQ(mc_.sent[1].request.payload.back(), 2);
}

TEST_F(RelayTest, ClientKmmGoesToTheKmfWithAPreamble) {
  Bytes kmm = Kmm(9999999, 1001, 0x1D);
  auto d = relay_->OnMcRequest(FromClient("sip:alice@example.org", kmm));
  EXPECT_EQ(d.sip_status, 200);
  ASSERT_EQ(lmr_.datagrams.size(), 1u);
  auto split = DecodeDliDatagram(lmr_.datagrams[0]);
  ASSERT_TRUE(split);
  EXPECT_TRUE(split->preamble.IsClear());
  EXPECT_EQ(Bytes(split->kmm.begin(), split->kmm.end()), kmm);
  // The same request again (an MC retransmission) is answered but not relayed twice.
  EXPECT_EQ(relay_->OnMcRequest(FromClient("sip:alice@example.org", kmm)).sip_status, 200);
  EXPECT_EQ(lmr_.datagrams.size(), 1u);
  EXPECT_EQ(relay_->counters().mc_to_kmf_by_message_id[0x1D], 1u);
}

TEST_F(RelayTest, ClientRequestsItCannotRouteAreRefused) {
  auto unknown = relay_->OnMcRequest(FromClient("sip:mallory@example.org", Kmm(1, 1001)));
  EXPECT_EQ(unknown.sip_status, 404);
  EXPECT_NE(unknown.reason.find("sip:mallory@example.org"), std::string::npos);
  auto spoof = relay_->OnMcRequest(FromClient("sip:alice@example.org", Kmm(1, 1002)));
  EXPECT_EQ(spoof.sip_status, 403);
  auto junk = relay_->OnMcRequest(FromClient("sip:alice@example.org", Bytes{1, 2, 3}));
  EXPECT_EQ(junk.sip_status, 400);
  auto other_fe = FromClient("sip:alice@example.org", Kmm(1, 1001));
  other_fe.lmr_security_fe_uri = "sip:kmf@example.org";
  EXPECT_EQ(relay_->OnMcRequest(other_fe).sip_status, 404);
  auto tetra = FromClient("sip:alice@example.org", Kmm(1, 1001));
  tetra.lmr_type = mc::LmrType::kTetra;
  EXPECT_EQ(relay_->OnMcRequest(tetra).sip_status, 415);
  EXPECT_TRUE(lmr_.datagrams.empty());
  auto c = relay_->counters();
  EXPECT_EQ(c.unknown_mc_id, 1u);
  EXPECT_EQ(c.spoofed_rsi, 1u);
  EXPECT_EQ(c.bad_kmm, 1u);
  EXPECT_EQ(c.wrong_fe_uri, 1u);
  EXPECT_EQ(c.wrong_lmr_type, 1u);
}

TEST_F(RelayTest, UnsentDatagramToTheKmfIsRetried) {
  lmr_.fail = true;
  EXPECT_EQ(relay_->OnMcRequest(FromClient("sip:alice@example.org", Kmm(1, 1001))).sip_status, 200);
  EXPECT_EQ(relay_->pending(), 1u);
  lmr_.fail = false;
  relay_->Pump();
  EXPECT_EQ(lmr_.datagrams.size(), 1u);
  EXPECT_EQ(relay_->pending(), 0u);
}

}  // namespace
}  // namespace kb::iwf
