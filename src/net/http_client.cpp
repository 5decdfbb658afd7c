// RFC 9110/9112 over RFC 8446: the HTTPS client on Boost.Beast.
#include "net/http_client.h"

#include <utility>  // before Boost 1.74's awaitable.hpp

// g++ 12 flags Boost 1.74's coroutine frame allocator (a recycling allocator behind a class
// operator new/delete pair) as mismatched: a false positive.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <optional>

#include "net/http_capture.h"
#include "net/http_url.h"
#include "net/tls_context.h"

namespace kb::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

struct Exchange {
  const HttpsClientOptions& options;
  const HttpsUrl& url;
  http::request<http::string_body>& request;
  ssl::context& tls;
  std::optional<Result<HttpResponse>> result;

  void Failed(ErrorKind kind, std::string_view what, const beast::error_code& ec) {
    std::string msg = ec == beast::error::timeout ? std::string("timed out") : ec.message();
    result = Fail(Error(kind, fmt::format("https://{}:{}: {}: {}", url.host, url.port, what, msg)));
  }

  asio::awaitable<void> Run() {
    auto executor = co_await asio::this_coro::executor;
    beast::error_code ec;
    tcp::resolver resolver(executor);
    auto endpoints = co_await resolver.async_resolve(url.host, std::to_string(url.port),
                                                     asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return Failed(ErrorKind::kIo, "resolve", ec);
    beast::ssl_stream<beast::tcp_stream> stream(executor, tls);
    beast::error_code addr_ec;
    asio::ip::make_address(url.host, addr_ec);
    if (addr_ec) SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str());
    stream.set_verify_callback(ssl::host_name_verification(url.host));
    beast::get_lowest_layer(stream).expires_after(options.timeout);
    co_await beast::get_lowest_layer(stream).async_connect(
        endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return Failed(ErrorKind::kIo, "connect", ec);
    co_await stream.async_handshake(ssl::stream_base::client,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec)
      co_return Failed(ec == beast::error::timeout ? ErrorKind::kIo : ErrorKind::kCryptoFailure,
                       "TLS handshake", ec);
    co_await http::async_write(stream, request, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return Failed(ErrorKind::kIo, "write", ec);
    {
      beast::error_code ep_ec;
      auto& lowest = beast::get_lowest_layer(stream).socket();
      auto local = lowest.local_endpoint(ep_ec);
      auto remote = lowest.remote_endpoint(ep_ec);
      if (!ep_ec) CaptureHttpSent(request, local, remote);
    }
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(options.max_body_bytes);
    co_await http::async_read(stream, buffer, parser,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      co_return Failed(ec == http::error::body_limit ? ErrorKind::kMalformed : ErrorKind::kIo,
                       "read response", ec);
    }
    auto res = parser.release();
    HttpResponse out;
    out.status = res.result_int();
    for (const auto& f : res) {
      std::string name(f.name_string());
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (name == "content-type") {
        out.content_type = std::string(f.value());
      } else {
        out.headers[name] = std::string(f.value());
      }
    }
    out.body = std::move(res.body());
    result = std::move(out);
    co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
  }
};

}  // namespace

Result<HttpResponse> HttpsRequest(const HttpsClientOptions& options, std::string_view method,
                                  std::string_view url_text, std::string body,
                                  std::string_view content_type,
                                  const std::map<std::string, std::string>& headers) {
  KB_TRY(HttpsUrl url, ParseHttpsUrl(url_text));
  KB_TRY(auto tls, MakeClientTlsContext(options.ca_file));
  http::request<http::string_body> request;
  http::verb verb = http::string_to_verb(boost::beast::string_view(method.data(), method.size()));
  if (verb == http::verb::unknown)
    return Fail(Error::InvalidArgument(fmt::format("HTTP method '{}'", method)));
  request.method(verb);
  request.target(url.target);
  request.version(11);
  bool v6 = url.host.find(':') != std::string::npos;
  request.set(http::field::host, v6 ? fmt::format("[{}]:{}", url.host, url.port)
                                    : fmt::format("{}:{}", url.host, url.port));
  request.set(http::field::user_agent, "keybridge");
  request.set(http::field::connection, "close");
  if (!content_type.empty())
    request.set(http::field::content_type,
                boost::beast::string_view(content_type.data(), content_type.size()));
  for (const auto& [k, v] : headers) request.set(k, v);
  request.body() = std::move(body);
  request.prepare_payload();
  asio::io_context io;
  Exchange exchange{options, url, request, *tls, std::nullopt};
  asio::co_spawn(io, exchange.Run(), asio::detached);
  io.run();
  auto& b = request.body();
  if (!b.empty()) OPENSSL_cleanse(b.data(), b.size());
  if (!exchange.result) return Fail(Error::Internal("HTTPS exchange ended without a result"));
  return std::move(*exchange.result);
}

}  // namespace kb::net
