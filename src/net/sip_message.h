// RFC 3261 clause 7 SIP messages: a value type over GNU oSIP's osip_message_t (parse, build,
// serialise, header access). oSIP does the grammar; this file checks the mandatory headers of
// clause 8.1.1 and gives errors that name the header.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"

struct osip_message;

namespace kb::net {

// The RFC 3261 magic cookie that starts every branch this stack generates (clause 8.1.1.7).
inline constexpr std::string_view kBranchCookie = "z9hG4bK";

// Initialises oSIP's parser tables once per process and silences oSIP's own trace output.
// Every function here calls it; callers never need to.
void EnsureOsipInitialised();

// A random token of `octets` random octets in lower-case hex (tags, Call-IDs, branches, cnonces).
std::string RandomToken(size_t octets = 8);

// One SIP request or response. Move-only; Clone() copies.
class SipMessage {
 public:
  // Parses one complete message (start line, headers, body as framed by the transport) and checks
  // that Via, From, To, Call-ID and CSeq are present and that the CSeq method of a request
  // equals its method. Errors name the header.
  static Result<SipMessage> Parse(std::string_view text);

  // A lenient parse for answering a malformed request with 400: oSIP must parse it and it must
  // be a request with Via, From, To, Call-ID and CSeq; nothing else is checked.
  static std::optional<SipMessage> ParseForErrorResponse(std::string_view text);

  // An empty request: start line only. The caller (or SipStack) adds the headers.
  static SipMessage Request(std::string_view method, std::string_view request_uri);

  // A response to `request` (RFC 3261 8.2.6.2): copies Via (all), From, To, Call-ID and CSeq; adds
  // a To tag when the request had none and the status is above 100.
  static Result<SipMessage> ResponseTo(const SipMessage& request, int status,
                                       std::string_view reason);

  // The wire form of a bodiless response to `request`, with the headers ResponseTo copies (Via
  // as stamped, From, To with a new tag when it has none and status > 100, Call-ID, CSeq) and
  // Content-Length: 0, printed header by header without building a message (the fast path for
  // the many status-only answers). `reason` must be one line.
  static Result<std::string> ResponseText(const SipMessage& request, int status,
                                          std::string_view reason);

  SipMessage(SipMessage&&) noexcept;
  SipMessage& operator=(SipMessage&&) noexcept;
  ~SipMessage();
  SipMessage Clone() const;

  // The wire form (oSIP computes Content-Length).
  Result<std::string> Serialise() const;

  bool IsRequest() const;
  // Request method, or for a response the CSeq method.
  std::string Method() const;
  std::string RequestUri() const;  // "" for responses
  int StatusCode() const;          // 0 for requests
  std::string ReasonPhrase() const;

  std::string CallId() const;
  uint32_t CSeqNumber() const;
  std::string FromUri() const;
  std::string FromTag() const;
  std::string ToUri() const;
  std::string ToTag() const;
  std::optional<uint32_t> Expires() const;  // the Expires header, if present and numeric

  // The top Via: its branch, transport ("UDP"/"TCP"), sent-by host and port (0 when absent), and
  // its received/rport parameters.
  std::string TopViaBranch() const;
  std::string TopViaTransport() const;
  std::string TopViaHost() const;
  uint16_t TopViaPort() const;
  bool TopViaHasRport() const;

  // Adds a header by name; known headers (From, To, Via, Contact, ...) go through oSIP's parser
  // for that header, and a malformed value is an error.
  Status AddHeader(std::string_view name, std::string_view value);
  // The value of the first header called `name` (case-insensitive), as oSIP prints it.
  std::optional<std::string> Header(std::string_view name) const;
  // Every value of the header (e.g. several Contact or WWW-Authenticate headers).
  std::vector<std::string> Headers(std::string_view name) const;
  // Removes every header called `name` (only for headers oSIP keeps as generic: Expires, ...).
  void RemoveHeader(std::string_view name);

  // Adds `received` (and fills `rport`) on the top Via of a received request (RFC 3261 18.2.1,
  // RFC 3581 4).
  void StampTopVia(std::string_view source_ip, uint16_t source_port);
  // Sets the top Via to `value` in front of any existing Via.
  Status PushVia(std::string_view value);

  // A single body with its content type (replaces any body).
  Status SetBody(std::string_view content_type, ByteView body);
  // Content-Type of the message ("" when absent), e.g. "multipart/mixed".
  std::string ContentType() const;
  // The value of a Content-Type parameter ("boundary"), "" when absent.
  std::string ContentTypeParam(std::string_view name) const;
  // The whole Content-Type value with its parameters ("multipart/mixed;boundary=x"), "" when
  // absent, as oSIP prints it.
  std::string ContentTypeValue() const;
  // The body octets exactly as received (Parse only; empty for built messages and after
  // SetBody), for a relay that forwards the body unchanged. Parse gives oSIP the start line and
  // headers only: the body of a parsed message lives here (Body, BodySize, Serialise and
  // BodyParts read it), not in oSIP's body list.
  std::string_view ReceivedBody() const { return received_body_; }
  // True for a parsed message with a Content-Type and a body (kept as received).
  bool HasReceivedBodyOnly() const;
  void ClearReceivedBody() { received_body_.clear(); }
  // The body of a single-part message; for a multipart message, the parts are in BodyParts().
  Bytes Body() const;
  size_t BodySize() const;

  // oSIP's structure, for the few places (multipart, digest) that need it.
  osip_message* raw() const { return msg_.get(); }

 private:
  struct Deleter {
    void operator()(osip_message* m) const;
  };
  explicit SipMessage(osip_message* m);
  std::unique_ptr<osip_message, Deleter> msg_;
  std::string received_body_;
};

}  // namespace kb::net
