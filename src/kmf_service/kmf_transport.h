// TIA-102.AACA §9.2 KMF network face (docs/kmf.md "Network face"): what carries the engine's KMMs
// to the units and theirs back: UDP DLI behind the IWF (LMR-hosted KMF, dli_kmf_transport.h) or
// the MC system directly (MC-hosted KMF, seed 001/002, mc_kmf_transport.h).
#pragma once

#include <functional>
#include <string>

#include "core/bytes.h"
#include "core/error.h"
#include "kmf/kmf_types.h"

namespace kb::kmf_service {

// Called with every KMM a unit sent (the transport checked what it can of the envelope);
// `from` describes the sender for the log.
using InboundKmm = std::function<void(Bytes kmm, std::string from)>;

class KmfTransport {
 public:
  virtual ~KmfTransport() = default;
  // Sends one KMM toward the unit with this RSI. Errors: the unit is not reachable this way
  // (kNotFound) or the send failed (kIo). The engine's retries cover a lost KMM.
  virtual Status SendKmm(kmf::Rsi destination, ByteView kmm) = 0;
  // A short description for the log ("UDP DLI 127.0.0.1:49644 <-> IWF 127.0.0.1:64414").
  virtual std::string Describe() const = 0;
};

}  // namespace kb::kmf_service
