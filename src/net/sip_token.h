// RFC 3261 clauses 8.1.1.4 (Call-ID), 8.1.1.7 (branch) and 19.3 (tags): the tokens the SIP stack
// puts in every request and response, from a per-thread buffer of DRBG output (docs/sip.md,
// "Tokens").
#pragma once

#include <cstddef>
#include <string>

namespace kb::net {

// `octets` random octets (at most 32) in lower-case hex, for branches, tags, Call-IDs and
// multipart boundaries. The octets come from OpenSSL's DRBG (RAND_bytes) like RandomToken's,
// but drawn 4 KiB at a time into a per-thread buffer that is refilled when used up and wiped
// in a forked child, so a token costs a copy instead of a DRBG call. Not for secrets (use
// RandomToken or crypto/ for nonces and keys).
std::string SipToken(size_t octets);

}  // namespace kb::net
