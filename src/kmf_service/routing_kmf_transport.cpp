// TIA-102.AACA §9.2 KMF network face, both faces at once (docs/kmf.md "Mode both").
#include "kmf_service/routing_kmf_transport.h"

#include <fmt/format.h>

namespace kb::kmf_service {

Status RoutingKmfTransport::SendKmm(kmf::Rsi destination, ByteView kmm) {
  return ViaMc(destination) ? mc_.SendKmm(destination, kmm) : lmr_.SendKmm(destination, kmm);
}

std::string RoutingKmfTransport::Describe() const {
  return fmt::format("{} RSIs over {}; every other RSI over {}", mc_rsis_.size(), mc_.Describe(),
                     lmr_.Describe());
}

}  // namespace kb::kmf_service
