// RFC 9110/9112 over RFC 8446: the HTTPS server adapter (Boost.Beast on Boost.Asio, OpenSSL):
// TLS 1.2 or 1.3, a router by method and path, size limits, timeouts and a clean stop.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "net/http_message.h"
#include "net/tls_identity.h"

namespace kb::net {

// A handler runs on one of the server's threads; it must not block for long. Handlers of one
// server may run concurrently when threads > 1.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// Method + path routing. An exact route wins over a prefix route; among prefixes the longest
// wins. A path that matches no route gets 404; a path whose routes take other methods gets 405.
class HttpRouter {
 public:
  void Add(std::string method, std::string path, HttpHandler handler);
  // Every path that starts with prefix (e.g. "/keymanagement/identity/v1/keyprov/").
  void AddPrefix(std::string method, std::string prefix, HttpHandler handler);
  HttpResponse Dispatch(const HttpRequest& request) const;

 private:
  struct Route {
    std::string method, path;
    bool prefix = false;
    HttpHandler handler;
  };
  std::vector<Route> routes_;
};

struct HttpsServerOptions {
  std::string address = "127.0.0.1";  // listening address (v4 or v6 literal)
  uint16_t port = 0;                  // 0: an ephemeral port, see HttpsServer::port()
  TlsIdentity identity;               // certificate and key files
  size_t max_header_bytes = 8 * 1024;
  size_t max_body_bytes = 64 * 1024;
  std::chrono::milliseconds timeout{10000};  // per TLS handshake, per request read, per write
  size_t max_connections = 256;              // more are closed at once
  unsigned threads = 1;                      // io_context threads
};

// Serves from Start until Stop (or destruction). Not copyable.
class HttpsServer {
 public:
  // Loads the TLS material, binds, listens and starts the threads. Fails with kIo when the
  // address cannot be bound, kInvalidArgument for a bad address or unusable TLS files.
  static Result<std::unique_ptr<HttpsServer>> Start(const HttpsServerOptions& options,
                                                    HttpRouter router);
  ~HttpsServer();
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  // The bound port (the ephemeral one when options.port was 0).
  uint16_t port() const;
  // Stops accepting, closes every connection and joins the threads. Idempotent.
  void Stop();

  struct Impl;

 private:
  explicit HttpsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kb::net
