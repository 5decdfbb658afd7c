// TIA-102.AACA §9.2 KMF served over UDP DLI (docs/iwf.md "The KMF's network face"): a real socket
// pair on loopback, the engine behind the service, a p25 subscriber unit answering; and a
// campaign queued by another connection to the same SQLite state (as `keybridge kmf rekey
// --config` does) is picked up by the running service.
#include "kmf_service/kmf_service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "iwf/dli_preamble.h"
#include "iwf/dli_socket.h"
#include "kmf/kmf_fixture.h"
#include "kmf_service/dli_kmf_transport.h"
#include "p25/subscriber_unit.h"
#include "store/sqlite_kmf_store.h"

namespace kb::kmf_service {
namespace {

using kmf::testing::KmfFixture;

std::unique_ptr<p25::SubscriberUnit> MakeRadio(const kmf::Unit& u) {
  p25::KeyStore ks;
  EXPECT_TRUE(ks.Put(p25::kKekKeysetId, u.ukek.algid, u.ukek.kid, 0, u.ukek.key.Clone()));
  EXPECT_TRUE(ks.Put(p25::kKekKeysetId, u.mac_key.algid, u.mac_key.kid, 0, u.mac_key.key.Clone()));
  p25::SubscriberUnitConfig cfg;
  cfg.individual_rsi = u.rsi;
  cfg.kmf_rsi = u.kmf_rsi;
  return std::make_unique<p25::SubscriberUnit>(cfg, std::move(ks));
}

// The IWF side of the link: receives the KMF's datagrams; the test answers through it.
struct FakeIwf {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Bytes> received;
  std::unique_ptr<iwf::DliSocket> socket;

  FakeIwf() {
    auto s = iwf::DliSocket::Start({}, [this](ByteView d, const iwf::UdpPeer&) {
      std::lock_guard lock(mu);
      received.emplace_back(d.begin(), d.end());
      cv.notify_all();
    });
    EXPECT_TRUE(s) << s.error().ToString();
    socket = std::move(*s);
  }
  // Waits for the n-th datagram (1-based) and returns it.
  Bytes WaitFor(size_t n) {
    std::unique_lock lock(mu);
    cv.wait_for(lock, std::chrono::seconds(5), [&] { return received.size() >= n; });
    return received.size() >= n ? received[n - 1] : Bytes{};
  }
};

class KmfServiceTest : public KmfFixture {
 protected:
  // Steps the service until pred holds (or 5 s pass).
  template <typename Pred>
  bool StepUntil(KmfService& s, Pred pred) {
    for (int i = 0; i < 500; ++i) {
      s.Step();
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  // Runs a rekey of unit 1001 end to end over the sockets with the given store.
  void RekeyOverUdp(kmf::KmfStore& store, kmf::KmfEngine& operator_engine) {
    FakeIwf iwf;
    KmfService service(store);
    DliKmfTransportOptions o;
    o.port = 0;
    o.iwf = {"127.0.0.1", iwf.socket->port()};
    auto transport = DliKmfTransport::Start(
        o, [&](Bytes kmm, std::string from) { service.OnInboundKmm(std::move(kmm), from); });
    ASSERT_TRUE(transport) << transport.error().ToString();
    service.SetTransport(transport->get());
    service.Step();  // nothing queued yet
    EXPECT_EQ(service.counters().sent, 0u);

    // The operator queues the campaign through its own engine (another connection).
    auto id = operator_engine.RekeyUnit("police", 1001, kmf::testing::kT0);
    ASSERT_TRUE(id) << id.error().ToString();
    ASSERT_TRUE(StepUntil(service, [&] { return service.counters().sent == 1; }));

    Bytes dg = iwf.WaitFor(1);
    auto split = iwf::DecodeDliDatagram(dg);
    ASSERT_TRUE(split) << split.error().ToString();
    EXPECT_TRUE(split->preamble.IsClear());
    auto radio = MakeRadio(U(1001));
    auto reaction = radio->Process(split->kmm);
    ASSERT_TRUE(reaction) << reaction.error().ToString();
    ASSERT_TRUE(reaction->response);
    EXPECT_EQ(reaction->status, p25::OperationStatus::kCommandPerformed);
    EXPECT_EQ(radio->keys().KeyCount(), 2u + 2u);  // UKEK, MAC key, SLN 1 of keysets 1 and 2

    // A datagram from a stranger is dropped; the IWF's answer is taken.
    auto stranger = iwf::DliSocket::Start({}, [](ByteView, const iwf::UdpPeer&) {});
    ASSERT_TRUE(stranger);
    ASSERT_TRUE((*stranger)->SendTo({"127.0.0.1", (*transport)->port()},
                                    iwf::EncodeDliDatagram({}, *reaction->response)));
    ASSERT_TRUE(iwf.socket->SendTo({"127.0.0.1", (*transport)->port()},
                                   iwf::EncodeDliDatagram({}, *reaction->response)));
    ASSERT_TRUE(StepUntil(service, [&] { return service.engine_counters().acked == 1; }));
    auto st = operator_engine.GetCampaignStatus("police", *id);
    ASSERT_TRUE(st);
    EXPECT_TRUE(st->Complete());
    EXPECT_EQ(st->done, 1u);
    EXPECT_EQ((*transport)->dropped(), 1u);
    EXPECT_EQ(service.counters().received, 1u);
  }
};

TEST_F(KmfServiceTest, RekeyOverUdpDliWithTheMemoryStore) { RekeyOverUdp(store_, engine_); }

TEST_F(KmfServiceTest, CampaignQueuedByAnotherConnectionIsPickedUp) {
  auto dir =
      std::filesystem::temp_directory_path() / ("kb_kmf_service_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    auto running = store::SqliteKmfStore::Open((dir / "kmf.db").string(), kmf::testing::Filled(7));
    auto cli = store::SqliteKmfStore::Open((dir / "kmf.db").string(), kmf::testing::Filled(7));
    ASSERT_TRUE(running && cli);
    kmf::KmfEngine cli_engine(**cli);
    Populate(cli_engine);
    RekeyOverUdp(**running, cli_engine);
  }
  std::filesystem::remove_all(dir);
}

TEST_F(KmfServiceTest, TruncatedAndEncryptedDatagramsAreDropped) {
  KmfService service(store_);
  DliKmfTransportOptions o;
  o.port = 0;
  o.only_from_iwf = false;
  std::atomic<int> delivered{0};
  auto transport = DliKmfTransport::Start(o, [&](Bytes, std::string) { delivered.fetch_add(1); });
  ASSERT_TRUE(transport);
  auto sender = iwf::DliSocket::Start({}, [](ByteView, const iwf::UdpPeer&) {});
  ASSERT_TRUE(sender);
  iwf::UdpPeer to{"127.0.0.1", (*transport)->port()};
  ASSERT_TRUE((*sender)->SendTo(to, Bytes{0x00, 0x00, 0x80}));  // truncated preamble
  iwf::DliPreamble enc;
  enc.algid = 0x84;
  ASSERT_TRUE((*sender)->SendTo(to, iwf::EncodeDliDatagram(enc, Bytes(20, 1))));
  ASSERT_TRUE((*sender)->SendTo(to, iwf::EncodeDliDatagram({}, Bytes(20, 1))));
  for (int i = 0; i < 500 && delivered.load() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(delivered.load(), 1);  // only the clear one reaches the engine
  EXPECT_EQ((*transport)->dropped(), 2u);
}

}  // namespace
}  // namespace kb::kmf_service
