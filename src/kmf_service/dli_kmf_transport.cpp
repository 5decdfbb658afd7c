// TIA-102.AACD DLI over UDP/IP, KMF side (docs/kmf.md "Network face").
#include "kmf_service/dli_kmf_transport.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "iwf/dli_preamble.h"

namespace kb::kmf_service {

Result<std::unique_ptr<DliKmfTransport>> DliKmfTransport::Start(DliKmfTransportOptions options,
                                                                InboundKmm on_kmm) {
  std::unique_ptr<DliKmfTransport> t(new DliKmfTransport(std::move(options)));
  iwf::DliSocket::Options so;
  so.bind_address = t->opt_.bind_address;
  so.port = t->opt_.port;
  if (t->opt_.only_from_iwf) so.only_from = t->opt_.iwf;
  DliKmfTransport* self = t.get();
  KB_TRY(t->socket_, iwf::DliSocket::Start(so, [self, on_kmm = std::move(on_kmm)](
                                                   ByteView datagram, const iwf::UdpPeer& from) {
           auto dg = iwf::DecodeDliDatagram(datagram);
           if (!dg) {
             self->dropped_.fetch_add(1);
             spdlog::warn("IWF {} -> KMF: datagram dropped: {}", from.ToString(),
                          dg.error().ToString());
             return;
           }
           if (!dg->preamble.IsClear()) {
             self->dropped_.fetch_add(1);
             spdlog::warn("IWF {} -> KMF: datagram dropped: encrypted DLI payload (ALGID 0x{:02x})",
                          from.ToString(), dg->preamble.algid);
             return;
           }
           on_kmm(Bytes(dg->kmm.begin(), dg->kmm.end()), "IWF " + from.ToString());
         }));
  return t;
}

Status DliKmfTransport::SendKmm(kmf::Rsi destination, ByteView kmm) {
  (void)destination;  // the IWF routes on the KMM's destination RSI
  return socket_->SendTo(opt_.iwf, iwf::EncodeDliDatagram(iwf::DliPreamble{}, kmm));
}

std::string DliKmfTransport::Describe() const {
  return fmt::format("UDP DLI {}:{} <-> IWF {}", opt_.bind_address, socket_->port(),
                     opt_.iwf.ToString());
}

}  // namespace kb::kmf_service
