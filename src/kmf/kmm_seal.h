// TIA-102.AACA §14.3.4 enhanced MAC as the KMF applies it: seal outbound KMMs, open inbound ones.
//
// A thin adapter over the p25 codec's MAC functions, with the unit's MAC key and format.
#pragma once

#include "core/bytes.h"
#include "kmf/kmf_types.h"
#include "p25/kmm.h"

namespace kb::kmf {

// Encodes kmm with a MAC trailer (the unit's MAC key ALGID/KID and format) and the MAC.
Result<Bytes> SealKmm(const p25::Kmm& kmm, const Unit& unit);
// Verifies the MAC of an inbound KMM with the unit's MAC key and decodes it. A KMM without a
// MAC, or with a MAC under another key, fails with kCryptoFailure.
Result<p25::Kmm> OpenKmm(ByteView kmm, const Unit& unit);

}  // namespace kb::kmf
