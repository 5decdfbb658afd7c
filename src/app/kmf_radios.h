// keybridge serve --role kmf (modes udp/both), docs/radio.md: the `radios:` list of the KMF's
// UDP face, units reached over the emulated RF link instead of through the IWF.
#pragma once

#include <vector>

#include "app/roles.h"
#include "core/error.h"
#include "kmf_service/dli_kmf_transport.h"

namespace kb::app {

// radios: [{rsi: 2001, address: 127.0.0.1:PORT}, ...]. Errors name the entry: not a list, a
// missing or bad rsi (1..0xFFFFFE) or address, an RSI or address listed twice.
Result<std::vector<kmf_service::DliKmfTransportOptions::Radio>> ReadKmfRadios(
    const RoleContext& ctx);

}  // namespace kb::app
