// RFC 2046 clause 5.1 multipart/mixed SIP bodies (RFC 5621), as TS 24.379 / TS 29.379 use them: a
// MESSAGE carries an mcptt-info (or mcdata-info) XML part and an interworking-data part. oSIP does
// the MIME parsing and printing; this file picks a safe boundary and maps parts to values.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "net/sip_message.h"

namespace kb::net {

// One body part: its Content-Type ("application/vnd.3gpp.interworking-data") and its octets.
struct BodyPart {
  std::string content_type;
  Bytes data;
  bool operator==(const BodyPart&) const = default;
};

// Replaces the body of `msg` by a multipart/mixed body of `parts`, with a random boundary that
// occurs in none of the parts. At least one part; every part needs a content type.
Status SetMultipartBody(SipMessage& msg, std::span<const BodyPart> parts);

// A multipart/mixed body as text, for requests assembled as text (SipStack::SendPrepared):
// the Content-Type value with a random boundary that occurs in no part, and the body
// ("--B CRLF Content-Type: t CRLF CRLF data CRLF" per part, then "--B--" CRLF). BodyParts of
// a message carrying it gives back `parts`. Same preconditions as SetMultipartBody; a content
// type with a CR or LF is refused.
struct MultipartText {
  std::string content_type;
  std::string body;
};
Result<MultipartText> MultipartBodyText(std::span<const BodyPart> parts);

// The body parts of a message: the parts of a multipart/* body, or one part (the message's own
// Content-Type) for a single body, or none when there is no body. A part without a Content-Type
// is text/plain (RFC 2046 5.1). Errors: a multipart Content-Type without a boundary.
Result<std::vector<BodyPart>> BodyParts(const SipMessage& msg);

// The first part whose content type (parameters ignored, case-insensitive) is `content_type`.
const BodyPart* FindPart(std::span<const BodyPart> parts, std::string_view content_type);

}  // namespace kb::net
