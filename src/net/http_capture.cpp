// Capture of HTTP exchanges for the demo's pcap (docs/capture.md): the body allow-list.
#include "net/http_capture.h"

#include <array>

namespace kb::net {

bool CaptureMayRecordBody(std::string_view content_type) {
  static constexpr std::array<std::string_view, 6> kAllowed = {
      "application/xcap-diff+xml",
      "application/xcap-el+xml",
      "application/xcap-error+xml",
      "application/vnd.3gpp.mcptt-user-profile+xml",
      "application/vnd.3gpp.mcdata-user-profile+xml",
      "application/problem+json",
  };
  std::string_view base = content_type.substr(0, content_type.find(';'));
  for (std::string_view allowed : kAllowed) {
    if (base == allowed) return true;
  }
  return false;
}

}  // namespace kb::net
