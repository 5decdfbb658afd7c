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
  // With radios the socket takes every sender and the handler filters (several addresses).
  if (t->opt_.only_from_iwf && t->opt_.radios.empty()) so.only_from = t->opt_.iwf;
  DliKmfTransport* self = t.get();
  KB_TRY(t->socket_, iwf::DliSocket::Start(so, [self, on_kmm = std::move(on_kmm)](
                                                   ByteView datagram, const iwf::UdpPeer& from) {
           const auto* radio = self->RadioAt(from);
           std::string who = radio ? fmt::format("radio {} {}", radio->rsi, from.ToString())
                                   : "IWF " + from.ToString();
           if (!radio && self->opt_.only_from_iwf && !(from == self->opt_.iwf)) {
             self->dropped_.fetch_add(1);
             spdlog::warn("{} -> KMF: datagram dropped: neither the IWF nor a radio",
                          from.ToString());
             return;
           }
           auto dg = iwf::DecodeDliDatagram(datagram);
           if (!dg) {
             self->dropped_.fetch_add(1);
             spdlog::warn("{} -> KMF: datagram dropped: {}", who, dg.error().ToString());
             return;
           }
           if (!dg->preamble.IsClear()) {
             self->dropped_.fetch_add(1);
             spdlog::warn("{} -> KMF: datagram dropped: encrypted DLI payload (ALGID 0x{:02x})",
                          who, dg->preamble.algid);
             return;
           }
           on_kmm(Bytes(dg->kmm.begin(), dg->kmm.end()), who);
         }));
  return t;
}

const DliKmfTransportOptions::Radio* DliKmfTransport::RadioAt(const iwf::UdpPeer& from) const {
  for (const auto& r : opt_.radios)
    if (r.address == from) return &r;
  return nullptr;
}

Status DliKmfTransport::SendKmm(kmf::Rsi destination, ByteView kmm) {
  Bytes datagram = iwf::EncodeDliDatagram(iwf::DliPreamble{}, kmm);
  for (const auto& r : opt_.radios)
    if (r.rsi == destination) return socket_->SendTo(r.address, datagram);
  // Otherwise the IWF routes on the KMM's destination RSI.
  return socket_->SendTo(opt_.iwf, datagram);
}

std::string DliKmfTransport::Describe() const {
  std::string d = fmt::format("UDP DLI {}:{} <-> IWF {}", opt_.bind_address, socket_->port(),
                              opt_.iwf.ToString());
  for (const auto& r : opt_.radios) d += fmt::format(", radio {} {}", r.rsi, r.address.ToString());
  return d;
}

}  // namespace kb::kmf_service
