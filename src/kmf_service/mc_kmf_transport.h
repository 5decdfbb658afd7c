// TIA-102.AACA §9.2 KMF network face, MC-hosted (seeds 001/002; docs/kmf.md "Network face"): the
// KMF registers with the MC service server under its own URI (sip:kmf@example.org) and
// exchanges KMMs with LMR-aware MC service clients directly, as non-3GPP security message
// requests (TS 23.283 10.12, carrier interworking-data) or as MCData standalone SDS (carrier
// sds). Each unit's RSI maps to its user's MC service ID as at the IWF (nodes.kmf.rsi_map).
#pragma once

#include <atomic>

#include "iwf/rsi_map.h"
#include "kmf_service/kmf_transport.h"
#include "mc_endpoint/mc_endpoint.h"

namespace kb::kmf_service {

class McKmfTransport final : public KmfTransport {
 public:
  // Installs the endpoint's message handler; call before the endpoint registers.
  McKmfTransport(mc_endpoint::McEndpoint& endpoint, iwf::RsiMap map, mc_endpoint::Carrier carrier,
                 InboundKmm on_kmm);

  Status SendKmm(kmf::Rsi destination, ByteView kmm) override;
  std::string Describe() const override;

  uint64_t refused() const { return refused_.load(); }
  uint64_t send_failures() const { return send_failures_.load(); }

 private:
  Status OnMessage(const mc_endpoint::ReceivedMessage& m);

  mc_endpoint::McEndpoint& endpoint_;
  iwf::RsiMap map_;
  mc_endpoint::Carrier carrier_;
  InboundKmm on_kmm_;
  std::atomic<uint64_t> refused_{0};
  std::atomic<uint64_t> send_failures_{0};
};

}  // namespace kb::kmf_service
