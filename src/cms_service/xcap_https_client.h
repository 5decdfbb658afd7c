// RFC 9112 9.3 persistent connections over RFC 8446 for XCAP clients (RFC 4825): a small pool
// of kept-alive HTTPS connections to one CMS, so a client making many requests (the IWF's root
// key distributor) pays one TLS handshake per connection instead of one per request.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "net/http_client.h"
#include "net/http_message.h"

namespace kb::cms_service {

// Thread-safe: each request takes an idle connection from the pool (or opens one), and puts it
// back after a complete exchange; a connection that failed or that the server closes is
// dropped. A request that fails on a reused connection (the server closed it meanwhile) is
// retried once on a fresh one. The server is verified as net::HttpsRequest does (ca_file, host).
class XcapHttpsClient {
 public:
  // base_url: "https://host:port" (no path).
  static Result<std::unique_ptr<XcapHttpsClient>> Create(std::string_view base_url,
                                                         net::HttpsClientOptions options);
  ~XcapHttpsClient();

  // target: path and query ("/xcap-root/..."); header names as given.
  Result<net::HttpResponse> Request(std::string_view method, std::string_view target,
                                    const std::map<std::string, std::string>& headers,
                                    std::string body, std::string_view content_type);

  struct Connection;

 private:
  XcapHttpsClient() = default;
  Result<std::unique_ptr<Connection>> Open();
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace kb::cms_service
