// RFC 9110/9112 over RFC 8446: the HTTPS client adapter: one request per connection, the server
// verified against a configured trust anchor file and the URL's host name, with a timeout.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "core/error.h"
#include "net/http_message.h"

namespace kb::net {

struct HttpsClientOptions {
  std::filesystem::path ca_file;             // PEM trust anchors (e.g. the server's tls-cert.pem)
  std::chrono::milliseconds timeout{10000};  // for the whole exchange
  size_t max_body_bytes = 1024 * 1024;       // larger responses fail (kMalformed)
};

// Sends one request and returns the response, whatever its status. Fails with kIo when the
// server cannot be reached or the exchange times out, kCryptoFailure when the TLS handshake or
// the certificate check fails, kMalformed for a bad URL or response.
Result<HttpResponse> HttpsRequest(const HttpsClientOptions& options, std::string_view method,
                                  std::string_view url, std::string body = {},
                                  std::string_view content_type = {},
                                  const std::map<std::string, std::string>& headers = {});

}  // namespace kb::net
