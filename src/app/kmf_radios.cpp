// keybridge serve --role kmf: the `radios:` list of the UDP face (docs/radio.md).
#include "app/kmf_radios.h"

#include <fmt/format.h>

namespace kb::app {

Result<std::vector<kmf_service::DliKmfTransportOptions::Radio>> ReadKmfRadios(
    const RoleContext& ctx) {
  std::vector<kmf_service::DliKmfTransportOptions::Radio> out;
  YAML::Node list = ctx.config["radios"];
  if (!list) return out;
  if (!list.IsSequence()) return Fail(Error::InvalidArgument("radios: expected a list"));
  for (size_t i = 0; i < list.size(); ++i) {
    YAML::Node n = list[i];
    auto where = [&](const std::string& what) {
      return Error::InvalidArgument(fmt::format("radios[{}]: {}", i, what));
    };
    kmf_service::DliKmfTransportOptions::Radio r;
    std::string address;
    try {
      if (!n.IsMap() || !n["rsi"] || !n["address"]) return Fail(where("rsi and address needed"));
      r.rsi = n["rsi"].as<uint32_t>();
      address = n["address"].as<std::string>();
    } catch (const YAML::Exception&) {
      return Fail(where("rsi must be a number, address a string"));
    }
    if (r.rsi == 0 || r.rsi >= 0xFFFFFF) return Fail(where("rsi: 1..0xFFFFFE"));
    auto peer = iwf::ParseUdpPeer(address);
    if (!peer) return Fail(where(peer.error().message()));
    r.address = *peer;
    for (const auto& o : out) {
      if (o.rsi == r.rsi) return Fail(where(fmt::format("RSI {} listed twice", r.rsi)));
      if (o.address == r.address) return Fail(where(address + " listed twice"));
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace kb::app
