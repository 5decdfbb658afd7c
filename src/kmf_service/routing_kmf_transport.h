// TIA-102.AACA §9.2 KMF network face, both faces at once (docs/kmf.md "Mode both"): one engine,
// the LMR face (UDP DLI to the IWF, or to emulated radios) and the MC face (the MC system); each
// KMM goes over the face that reaches its destination RSI.
#pragma once

#include <set>
#include <string>

#include "kmf_service/kmf_transport.h"

namespace kb::kmf_service {

// Sends a KMM for an RSI in mc_rsis (the MC face's rsi_map) over `mc`, any other over `lmr`.
// Both transports outlive the router; each delivers its inbound KMMs to the service itself.
class RoutingKmfTransport final : public KmfTransport {
 public:
  RoutingKmfTransport(KmfTransport& lmr, KmfTransport& mc, std::set<kmf::Rsi> mc_rsis)
      : lmr_(lmr), mc_(mc), mc_rsis_(std::move(mc_rsis)) {}

  Status SendKmm(kmf::Rsi destination, ByteView kmm) override;
  std::string Describe() const override;
  // Whether destination goes over the MC face.
  bool ViaMc(kmf::Rsi destination) const { return mc_rsis_.contains(destination); }

 private:
  KmfTransport& lmr_;
  KmfTransport& mc_;
  std::set<kmf::Rsi> mc_rsis_;
};

}  // namespace kb::kmf_service
