// The ladder diagram's view of one signalling message (docs/ladder.md): SIP (RFC 3261) with
// LMR security message bodies (TS 23.283 10.12), TIA-102.AACD DLI datagrams (preamble + KMM),
// HTTP (RFC 9112) as the capture records it. Each summariser checks what it reads and refuses
// input it cannot parse; none prints a key value.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/error.h"

namespace kb::ladder {

struct MessageSummary {
  std::string kind;     // "sip", "dli", "http"
  std::string text;     // one line, e.g. "MESSAGE sip:alice@example.org: security message ..."
  nlohmann::json json;  // the same, as fields
};

// A DLI datagram: the preamble, and the KMM when the preamble says clear (ALGID 0x80); an
// encrypted KMM is described by its ALGID, KID and length. Errors: the preamble or the KMM
// frame does not decode.
Result<MessageSummary> SummariseDli(ByteView datagram);

// One SIP message (a whole UDP datagram or one framed TCP message): start line, Event, and the
// body by content type: LMR security messages (either carrier) decoded with their P25 KMM,
// other bodies by content type and length. Errors: the message does not parse.
Result<MessageSummary> SummariseSip(std::string_view text);

// One HTTP message: request line (method and path, the query string left out: it may carry
// credentials) or status line, Content-Type and body length. Errors: no start line.
Result<MessageSummary> SummariseHttp(std::string_view text);

// The body of a message by content type alone: "application/xcap-diff+xml, 312 octets".
std::string DescribeBody(std::string_view content_type, size_t length);

}  // namespace kb::ladder
