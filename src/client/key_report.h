// TIA-102.AACA 5.1: what the client shows of its key store (docs/client.md "Key report"):
// keysets, ALGIDs, key IDs, SLNs and a fingerprint per key for comparing with the KMF; never a
// key value.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "client/su_state.h"
#include "core/secret.h"
#include "p25/subscriber_unit.h"

namespace kb::client {

// The first 8 octets of SHA-256 over the key, in hex (the same value `keybridge mikey open
// --no-key` prints for a root key, so the IWF/KMF side can compare).
std::string KeyFingerprint(const SecretBytes& key);

// {"rsi", "group_rsi", "kmf_rsi", "mnp", "last_mn", "active_keyset", "root_key" {...},
//  "keysets": [{"id", "kek", "active", "keys": [{"algid", "kid", "sln", "fingerprint"}]}]}
nlohmann::json DescribeKeyStore(const p25::SubscriberUnit& su, const ClientExtras& extras);

}  // namespace kb::client
