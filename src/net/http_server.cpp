// RFC 9110/9112 over RFC 8446: the HTTPS server, one coroutine per connection on Boost.Asio.
#include "net/http_server.h"

#include <utility>  // before Boost 1.74's awaitable.hpp

// g++ 12 flags Boost 1.74's coroutine frame allocator (a recycling allocator behind a class
// operator new/delete pair) as mismatched: a false positive.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <mutex>
#include <thread>

#include "net/http_capture.h"
#include "net/tls_context.h"

namespace kb::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Stream = beast::ssl_stream<beast::tcp_stream>;

void HttpRouter::Add(std::string method, std::string path, HttpHandler handler) {
  routes_.push_back({std::move(method), std::move(path), false, std::move(handler)});
}

void HttpRouter::AddPrefix(std::string method, std::string prefix, HttpHandler handler) {
  routes_.push_back({std::move(method), std::move(prefix), true, std::move(handler)});
}

HttpResponse HttpRouter::Dispatch(const HttpRequest& request) const {
  const Route* best = nullptr;
  bool path_known = false;
  for (const auto& r : routes_) {
    bool match = r.prefix ? request.path.starts_with(r.path) : request.path == r.path;
    if (!match) continue;
    path_known = true;
    if (r.method != request.method) continue;
    if (best == nullptr || (best->prefix && (!r.prefix || r.path.size() > best->path.size())))
      best = &r;
  }
  if (best != nullptr) return best->handler(request);
  if (path_known) return TextResponse(405, "method not allowed\n");
  return TextResponse(404, "not found\n");
}

struct HttpsServer::Impl {
  HttpsServerOptions options;
  HttpRouter router;
  std::shared_ptr<ssl::context> tls;
  std::vector<std::thread> threads;
  std::atomic<size_t> connections{0};
  std::once_flag stopped;
  uint16_t port = 0;
  asio::io_context io;
  tcp::acceptor acceptor{io};

  // The connections' coroutine frames reference the members above: destroy them first.
  ~Impl() {
    beast::error_code ec;
    acceptor.close(ec);
  }

  asio::awaitable<void> Accept();
  asio::awaitable<void> Serve(tcp::socket socket);
  HttpResponse Handle(http::request<http::string_body>& req, const std::string& peer);
};

namespace {

// Wipes a Beast string body that may have carried keys.
template <typename Message>
void WipeBody(Message& m) {
  auto& b = m.body();
  if (!b.empty()) OPENSSL_cleanse(b.data(), b.size());
}

}  // namespace

HttpResponse HttpsServer::Impl::Handle(http::request<http::string_body>& req,
                                       const std::string& peer) {
  HttpRequest r;
  r.method = std::string(req.method_string());
  std::string_view target(req.target().data(), req.target().size());
  size_t q = target.find('?');
  r.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) r.query = std::string(target.substr(q + 1));
  for (const auto& f : req) {
    std::string name(f.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    r.headers[name] = std::string(f.value());
  }
  r.body = std::move(req.body());
  r.peer = peer;
  HttpResponse out = router.Dispatch(r);
  if (!r.body.empty()) OPENSSL_cleanse(r.body.data(), r.body.size());
  return out;
}

asio::awaitable<void> HttpsServer::Impl::Serve(tcp::socket socket) {
  struct Count {
    std::atomic<size_t>& n;
    ~Count() { --n; }
  } count{connections};
  beast::error_code ec;
  std::string peer;
  {
    auto ep = socket.remote_endpoint(ec);
    if (!ec) peer = fmt::format("{}:{}", ep.address().to_string(), ep.port());
  }
  Stream stream(std::move(socket), *tls);
  beast::get_lowest_layer(stream).expires_after(options.timeout);
  co_await stream.async_handshake(ssl::stream_base::server,
                                  asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    spdlog::debug("TLS handshake with {} failed: {}", peer, ec.message());
    co_return;
  }
  beast::flat_buffer buffer(options.max_header_bytes + options.max_body_bytes);
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser.body_limit(options.max_body_bytes);
    beast::get_lowest_layer(stream).expires_after(options.timeout);
    co_await http::async_read(stream, buffer, parser,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::end_of_stream || ec == asio::ssl::error::stream_truncated) break;
    if (ec) {
      unsigned status =
          ec == http::error::body_limit || ec == http::error::header_limit ? 413 : 400;
      if (ec == beast::error::timeout || ec == asio::error::eof ||
          ec == asio::error::connection_reset)
        co_return;
      spdlog::info("{}: bad request: {}", peer, ec.message());
      http::response<http::string_body> res{static_cast<http::status>(status), 11};
      res.set(http::field::content_type, "text/plain");
      res.set(http::field::connection, "close");
      res.body() = status == 413 ? "request too large\n" : "bad request\n";
      res.prepare_payload();
      beast::get_lowest_layer(stream).expires_after(options.timeout);
      co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      break;
    }
    auto req = parser.release();
    bool keep_alive = req.keep_alive();
    unsigned version = req.version();
    HttpResponse out = Handle(req, peer);
    spdlog::info("{} {} {} -> {}", peer, std::string(req.method_string()),
                 std::string(req.target()), out.status);
    http::response<http::string_body> res{static_cast<http::status>(out.status), version};
    res.set(http::field::server, "keybridge");
    if (!out.content_type.empty()) res.set(http::field::content_type, out.content_type);
    res.set(http::field::cache_control, "no-store");
    for (const auto& [k, v] : out.headers) res.set(k, v);
    res.keep_alive(keep_alive);
    res.body() = std::move(out.body);
    res.prepare_payload();
    beast::get_lowest_layer(stream).expires_after(options.timeout);
    co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) {
      beast::error_code ep_ec;
      auto& lowest = beast::get_lowest_layer(stream).socket();
      auto local = lowest.local_endpoint(ep_ec);
      auto remote = lowest.remote_endpoint(ep_ec);
      if (!ep_ec) CaptureHttpSent(res, local, remote);
    }
    WipeBody(res);
    if (ec || !keep_alive) break;
  }
  beast::get_lowest_layer(stream).expires_after(options.timeout);
  co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<void> HttpsServer::Impl::Accept() {
  for (;;) {
    beast::error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) continue;
    if (connections.load() >= options.max_connections) {
      spdlog::warn("connection limit {} reached, closing a new connection",
                   options.max_connections);
      socket.close(ec);
      continue;
    }
    ++connections;
    asio::co_spawn(io, Serve(std::move(socket)), asio::detached);
  }
}

HttpsServer::HttpsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpsServer::~HttpsServer() { Stop(); }

uint16_t HttpsServer::port() const { return impl_->port; }

Result<std::unique_ptr<HttpsServer>> HttpsServer::Start(const HttpsServerOptions& options,
                                                        HttpRouter router) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->router = std::move(router);
  KB_TRY(impl->tls, MakeServerTlsContext(options.identity));
  beast::error_code ec;
  auto address = asio::ip::make_address(options.address, ec);
  if (ec)
    return Fail(Error::InvalidArgument(
        fmt::format("listen address '{}': {}", options.address, ec.message())));
  tcp::endpoint endpoint(address, options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Fail(Error::Io(
        fmt::format("cannot listen on {}:{}: {}", options.address, options.port, ec.message())));
  }
  impl->port = impl->acceptor.local_endpoint().port();
  asio::co_spawn(impl->io, impl->Accept(), asio::detached);
  unsigned n = std::max(1u, options.threads);
  for (unsigned i = 0; i < n; ++i) {
    impl->threads.emplace_back([io = &impl->io] { io->run(); });
  }
  return std::unique_ptr<HttpsServer>(new HttpsServer(std::move(impl)));
}

void HttpsServer::Stop() {
  if (!impl_) return;
  std::call_once(impl_->stopped, [this] {
    asio::post(impl_->io, [this] {
      beast::error_code ec;
      impl_->acceptor.close(ec);
    });
    impl_->io.stop();
    for (auto& t : impl_->threads) {
      if (t.joinable()) t.join();
    }
  });
}

}  // namespace kb::net
