// RFC 9112 9.3 persistent HTTPS connections for XCAP clients, on Boost.Beast (synchronous).
#include "cms_service/xcap_https_client.h"

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

#include "net/http_capture.h"
#include "net/http_url.h"
#include "net/tls_context.h"

namespace kb::cms_service {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

struct XcapHttpsClient::Connection {
  asio::io_context io;
  beast::ssl_stream<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  explicit Connection(ssl::context& tls) : stream(io, tls) {}
};

struct XcapHttpsClient::State {
  net::HttpsClientOptions options;
  net::HttpsUrl url;
  std::shared_ptr<ssl::context> tls;
  std::mutex mu;
  std::vector<std::unique_ptr<Connection>> idle;
};

Result<std::unique_ptr<XcapHttpsClient>> XcapHttpsClient::Create(std::string_view base_url,
                                                                 net::HttpsClientOptions options) {
  auto c = std::unique_ptr<XcapHttpsClient>(new XcapHttpsClient());
  c->state_ = std::make_unique<State>();
  KB_TRY(c->state_->url, net::ParseHttpsUrl(base_url));
  KB_TRY(c->state_->tls, net::MakeClientTlsContext(options.ca_file));
  c->state_->options = std::move(options);
  return c;
}

XcapHttpsClient::~XcapHttpsClient() = default;

Result<std::unique_ptr<XcapHttpsClient::Connection>> XcapHttpsClient::Open() {
  const auto& url = state_->url;
  auto c = std::make_unique<Connection>(*state_->tls);
  auto fail = [&](ErrorKind kind, std::string_view what, const beast::error_code& ec) {
    return Fail(Error(kind, fmt::format("https://{}:{}: {}: {}", url.host, url.port, what,
                                        ec == beast::error::timeout ? "timed out" : ec.message())));
  };
  beast::error_code ec;
  tcp::resolver resolver(c->io);
  auto endpoints = resolver.resolve(url.host, std::to_string(url.port), ec);
  if (ec) return fail(ErrorKind::kIo, "resolve", ec);
  beast::error_code addr_ec;
  asio::ip::make_address(url.host, addr_ec);
  if (addr_ec) SSL_set_tlsext_host_name(c->stream.native_handle(), url.host.c_str());
  c->stream.set_verify_callback(ssl::host_name_verification(url.host));
  beast::get_lowest_layer(c->stream).expires_after(state_->options.timeout);
  beast::get_lowest_layer(c->stream).connect(endpoints, ec);
  if (ec) return fail(ErrorKind::kIo, "connect", ec);
  c->stream.handshake(ssl::stream_base::client, ec);
  if (ec) return fail(ErrorKind::kCryptoFailure, "TLS handshake", ec);
  return c;
}

Result<net::HttpResponse> XcapHttpsClient::Request(
    std::string_view method, std::string_view target,
    const std::map<std::string, std::string>& headers, std::string body,
    std::string_view content_type) {
  const auto& url = state_->url;
  http::request<http::string_body> req;
  http::verb verb = http::string_to_verb(beast::string_view(method.data(), method.size()));
  if (verb == http::verb::unknown) {
    return Fail(Error::InvalidArgument(fmt::format("HTTP method '{}'", method)));
  }
  req.method(verb);
  req.target(beast::string_view(target.data(), target.size()));
  req.version(11);
  bool v6 = url.host.find(':') != std::string::npos;
  req.set(http::field::host, v6 ? fmt::format("[{}]:{}", url.host, url.port)
                                : fmt::format("{}:{}", url.host, url.port));
  req.set(http::field::user_agent, "keybridge");
  req.keep_alive(true);
  if (!content_type.empty()) {
    req.set(http::field::content_type,
            beast::string_view(content_type.data(), content_type.size()));
  }
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = std::move(body);
  req.prepare_payload();

  for (int attempt = 0; attempt < 2; ++attempt) {
    std::unique_ptr<Connection> c;
    bool reused = false;
    {
      std::lock_guard lock(state_->mu);
      if (!state_->idle.empty()) {
        c = std::move(state_->idle.back());
        state_->idle.pop_back();
        reused = true;
      }
    }
    if (!c) {
      KB_TRY(c, Open());
    }
    beast::error_code ec;
    beast::get_lowest_layer(c->stream).expires_after(state_->options.timeout);
    http::write(c->stream, req, ec);
    if (!ec) {  // the signalling capture (docs/capture.md), when this process has one
      beast::error_code ep_ec;
      auto& lowest = beast::get_lowest_layer(c->stream).socket();
      auto local = lowest.local_endpoint(ep_ec);
      auto remote = lowest.remote_endpoint(ep_ec);
      if (!ep_ec) net::CaptureHttpSent(req, local, remote);
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(state_->options.max_body_bytes);
    if (!ec) http::read(c->stream, c->buffer, parser, ec);
    if (ec) {
      if (reused && ec != http::error::body_limit) continue;  // closed by the server: retry
      auto& b = req.body();
      if (!b.empty()) OPENSSL_cleanse(b.data(), b.size());
      return Fail(
          Error(ec == http::error::body_limit ? ErrorKind::kMalformed : ErrorKind::kIo,
                fmt::format("https://{}:{}: exchange: {}", url.host, url.port, ec.message())));
    }
    auto res = parser.release();
    net::HttpResponse out;
    out.status = res.result_int();
    for (const auto& f : res) {
      std::string name(f.name_string());
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
      if (name == "content-type") {
        out.content_type = std::string(f.value());
      } else {
        out.headers[name] = std::string(f.value());
      }
    }
    out.body = std::move(res.body());
    if (res.keep_alive()) {
      std::lock_guard lock(state_->mu);
      state_->idle.push_back(std::move(c));
    }
    auto& b = req.body();
    if (!b.empty()) OPENSSL_cleanse(b.data(), b.size());
    return out;
  }
  return Fail(
      Error::Io(fmt::format("https://{}:{}: the connection closed twice", url.host, url.port)));
}

}  // namespace kb::cms_service
