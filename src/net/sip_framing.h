// RFC 3261 clause 18.3 framing: where one SIP message ends in a UDP datagram or a TCP byte
// stream (Content-Length; mandatory on streams), before oSIP parses the message. The only text
// scanned here is the blank line and the Content-Length header; the grammar is oSIP's.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace kb::net {

// The head of a message: start line and headers up to and including the blank line.
struct MessageHead {
  size_t head_size = 0;                  // octets up to and including CRLF CRLF
  std::optional<size_t> content_length;  // Content-Length (or compact "l"), when present
  size_t length_line_begin = 0;          // span of the Content-Length line, for HeadOnly()
  size_t length_line_end = 0;
};

// Scans `data` (which starts at a message) for the blank line and the Content-Length header.
// nullopt: the blank line has not arrived yet. Error: a Content-Length value that is not a
// decimal number, or two different ones.
Result<std::optional<MessageHead>> ScanHead(std::string_view data);

// The head of a message without its Content-Length line: enough for oSIP to parse the headers
// of a message whose body is broken, so that a 400 can be sent.
std::string HeadOnly(std::string_view data, const MessageHead& head);

// The outcome of framing one datagram.
struct DatagramFrame {
  std::string_view message;         // the message, excess octets after the body dropped
  std::optional<MessageHead> head;  // set when the head could be scanned
};

// RFC 3261 18.3 for UDP: leading CRLFs (keep-alives) are skipped, octets beyond Content-Length
// are dropped, a missing Content-Length means "the rest of the datagram". Errors: no blank
// line, a malformed Content-Length, a Content-Length larger than the octets received.
// `head_out` receives the scanned head even when the body is refused.
Result<std::string_view> FrameDatagram(std::string_view datagram,
                                       std::optional<MessageHead>* head_out = nullptr);

// RFC 3261 18.3 for TCP: splits a byte stream into messages. Feed what a read returned with
// Append(); take messages with Next() until it returns nullopt. After an error the stream
// cannot be resynchronised and the connection must be closed.
class StreamFramer {
 public:
  explicit StreamFramer(size_t max_message_size) : max_(max_message_size) {}

  void Append(std::string_view bytes) { buf_.append(bytes); }

  // The next complete message, or nullopt when more octets are needed. Errors: Content-Length
  // missing or malformed, a message (or a head still without its blank line) larger than the
  // maximum. On error, last_head() holds the scanned head when there was one.
  Result<std::optional<std::string>> Next();

  const std::string& buffered() const { return buf_; }
  const std::optional<MessageHead>& last_head() const { return last_head_; }

 private:
  std::string buf_;
  size_t max_;
  std::optional<MessageHead> last_head_;
};

}  // namespace kb::net
