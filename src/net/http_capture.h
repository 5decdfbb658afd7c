// Capture of HTTP exchanges for the demo's pcap (docs/capture.md): the HTTPS adapters record the
// plaintext HTTP they send, with credentials and key-bearing bodies redacted. Internal to the
// net layer (it includes Beast).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>
#include <sstream>
#include <string>
#include <string_view>

#include "capture/pcap_tap.h"

namespace kb::net {

// Whether a body of this content type may be written to a capture file: documents that carry
// no secret in clear (profiles, whose root key element is a MIKEY I_MESSAGE; xcap-diff; XCAP
// errors; problem reports). Everything else (IdMS logins and tokens, KMS key provisioning) is
// replaced by a note giving its length.
bool CaptureMayRecordBody(std::string_view content_type);

// Records `message` (a request or response this process sent on the TCP connection from ->
// to) through the global tap, when one is set.
template <bool isRequest>
void CaptureHttpSent(
    const boost::beast::http::message<isRequest, boost::beast::http::string_body>& message,
    const boost::asio::ip::tcp::endpoint& from, const boost::asio::ip::tcp::endpoint& to) {
  if (!capture::GlobalTap() || !from.address().is_v4() || !to.address().is_v4()) return;
  namespace http = boost::beast::http;
  http::message<isRequest, http::string_body> copy;
  copy.base() = message.base();
  if (copy.find(http::field::authorization) != copy.end()) {
    copy.set(http::field::authorization, "[redacted by keybridge capture]");
  }
  std::string content_type(message[http::field::content_type]);
  if (CaptureMayRecordBody(content_type)) {
    copy.body() = message.body();
  } else if (!message.body().empty()) {
    copy.body() =
        "[" + std::to_string(message.body().size()) + "-octet body redacted by keybridge capture]";
  }
  copy.prepare_payload();
  std::ostringstream os;
  os << copy;
  std::string wire = os.str();
  capture::Capture(capture::Protocol::kTcp,
                   capture::Address{from.address().to_v4().to_bytes(), from.port()},
                   capture::Address{to.address().to_v4().to_bytes(), to.port()},
                   AsBytes(std::string_view(wire)));
}

}  // namespace kb::net
