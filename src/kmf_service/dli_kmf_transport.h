// TIA-102.AACD DLI over UDP/IP, KMF side (../shared/spec/p25-otar.md 8.3; docs/kmf.md "Network
// face"): the LMR-hosted KMF behind the IWF. Listens on the DLI port (49644) for preamble + KMM
// datagrams from the IWF, and sends its KMMs with a clear Version 0 preamble to the IWF's KMF
// services port (64414). Emulated radios (docs/radio.md) are reached directly: KMMs to their
// RSIs go to their UDP address (the RF subsystem, emulated) and their datagrams are accepted.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "iwf/dli_socket.h"
#include "kmf_service/kmf_transport.h"

namespace kb::kmf_service {

struct DliKmfTransportOptions {
  std::string bind_address = "127.0.0.1";
  uint16_t port = iwf::kDliPort;
  iwf::UdpPeer iwf{"127.0.0.1", iwf::kKmfServicesPort};
  bool only_from_iwf = true;  // drop datagrams from anyone but the IWF (and the radios)
  // Units reached over the emulated RF link instead of through the IWF.
  struct Radio {
    kmf::Rsi rsi = 0;
    iwf::UdpPeer address;
  };
  std::vector<Radio> radios;
};

class DliKmfTransport final : public KmfTransport {
 public:
  static Result<std::unique_ptr<DliKmfTransport>> Start(DliKmfTransportOptions options,
                                                        InboundKmm on_kmm);
  Status SendKmm(kmf::Rsi destination, ByteView kmm) override;
  std::string Describe() const override;
  uint16_t port() const { return socket_->port(); }
  uint64_t dropped() const { return dropped_.load() + socket_->foreign_dropped(); }

 private:
  DliKmfTransport(DliKmfTransportOptions options) : opt_(std::move(options)) {}
  // The radio at this address, if any.
  const DliKmfTransportOptions::Radio* RadioAt(const iwf::UdpPeer& from) const;
  DliKmfTransportOptions opt_;
  std::unique_ptr<iwf::DliSocket> socket_;
  std::atomic<uint64_t> dropped_{0};
};

}  // namespace kb::kmf_service
