// The KMF's UDP face with emulated radios (docs/radio.md): KMMs to a listed RSI go straight to
// the radio's address, others to the IWF; datagrams from a radio are accepted despite
// only_from_iwf, datagrams from anyone else are dropped.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "iwf/dli_preamble.h"
#include "iwf/dli_socket.h"
#include "kmf_service/dli_kmf_transport.h"

namespace kb::kmf_service {
namespace {

struct Peer {
  std::mutex mu;
  std::vector<Bytes> got;
  std::unique_ptr<iwf::DliSocket> socket;
  Peer() {
    auto s = iwf::DliSocket::Start({}, [this](ByteView d, const iwf::UdpPeer&) {
      std::lock_guard lock(mu);
      got.emplace_back(d.begin(), d.end());
    });
    EXPECT_TRUE(s);
    socket = std::move(*s);
  }
  iwf::UdpPeer address() const { return {"127.0.0.1", socket->port()}; }
  size_t count() {
    std::lock_guard lock(mu);
    return got.size();
  }
};

template <typename F>
bool WaitFor(F f) {
  for (int i = 0; i < 500; ++i) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(DliKmfTransportRadios, RoutesByRsiAndAcceptsRadios) {
  Peer iwf_peer, radio, stranger;
  DliKmfTransportOptions o;
  o.port = 0;
  o.iwf = iwf_peer.address();
  o.only_from_iwf = true;
  o.radios.push_back({2001, radio.address()});
  std::mutex mu;
  std::vector<std::string> from;
  auto transport = DliKmfTransport::Start(o, [&](Bytes, std::string who) {
    std::lock_guard lock(mu);
    from.push_back(std::move(who));
  });
  ASSERT_TRUE(transport) << transport.error().ToString();
  EXPECT_NE((*transport)->Describe().find("radio 2001 127.0.0.1:"), std::string::npos);

  Bytes kmm(13, 0x5A);
  ASSERT_TRUE((*transport)->SendKmm(2001, kmm));
  ASSERT_TRUE(WaitFor([&] { return radio.count() == 1; }));
  ASSERT_TRUE((*transport)->SendKmm(1001, kmm));
  ASSERT_TRUE(WaitFor([&] { return iwf_peer.count() == 1; }));
  EXPECT_EQ(radio.count(), 1u);  // the unit behind the IWF did not go to the radio
  {
    std::lock_guard lock(radio.mu);
    EXPECT_EQ(radio.got[0], iwf::EncodeDliDatagram(iwf::DliPreamble{}, kmm));
  }

  iwf::UdpPeer to{"127.0.0.1", (*transport)->port()};
  Bytes dg = iwf::EncodeDliDatagram({}, kmm);
  ASSERT_TRUE(stranger.socket->SendTo(to, dg));
  ASSERT_TRUE(radio.socket->SendTo(to, dg));
  ASSERT_TRUE(iwf_peer.socket->SendTo(to, dg));
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard lock(mu);
    return from.size() == 2;
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::lock_guard lock(mu);
  ASSERT_EQ(from.size(), 2u);  // the stranger's datagram was dropped
  EXPECT_EQ((*transport)->dropped(), 1u);
  bool radio_seen = false, iwf_seen = false;
  for (const auto& f : from) {
    radio_seen |= f.starts_with("radio 2001 127.0.0.1:");
    iwf_seen |= f.starts_with("IWF 127.0.0.1:");
  }
  EXPECT_TRUE(radio_seen);
  EXPECT_TRUE(iwf_seen);
}

}  // namespace
}  // namespace kb::kmf_service
