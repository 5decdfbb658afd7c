// TIA-102.AACD DLI over UDP/IP: the datagram socket of the IWF and of the LMR-hosted KMF.
#include "iwf/dli_socket.h"

#include <fmt/format.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <charconv>
#include <mutex>
#include <thread>

#include "capture/pcap_tap.h"

namespace kb::iwf {

namespace asio = boost::asio;
using asio::ip::udp;

std::string UdpPeer::ToString() const {
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

Result<UdpPeer> ParseUdpPeer(std::string_view text) {
  auto bad = [&] {
    return Fail(Error::InvalidArgument(
        fmt::format("'{}' is not an address:port (e.g. 127.0.0.1:64414)", text)));
  };
  UdpPeer p;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return bad();
    p.host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad();
    p.host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535 ||
      p.host.empty())
    return bad();
  boost::system::error_code aec;
  asio::ip::make_address(p.host, aec);
  if (aec) return bad();
  p.port = static_cast<uint16_t>(port);
  return p;
}

struct DliSocket::Impl {
  asio::io_context io;
  udp::socket socket{io};
  std::optional<udp::endpoint> only_from;
  Handler handler;
  std::array<uint8_t, 65536> buffer{};
  udp::endpoint from;
  std::thread thread;
  std::mutex send_mu;
  std::atomic<uint64_t>* foreign = nullptr;

  void Receive() {
    socket.async_receive_from(asio::buffer(buffer), from,
                              [this](const boost::system::error_code& ec, size_t n) {
                                if (ec == asio::error::operation_aborted) return;
                                if (!ec) Deliver(n);
                                Receive();
                              });
  }

  void Deliver(size_t n) {
    if (only_from && from != *only_from) {
      foreign->fetch_add(1);
      spdlog::warn("DLI: datagram from {}:{} dropped (only {}:{} may send here)",
                   from.address().to_string(), from.port(), only_from->address().to_string(),
                   only_from->port());
      return;
    }
    handler(ByteView(buffer.data(), n), UdpPeer{from.address().to_string(), from.port()});
  }
};

DliSocket::DliSocket(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Result<std::unique_ptr<DliSocket>> DliSocket::Start(Options options, Handler handler) {
  auto impl = std::make_unique<Impl>();
  boost::system::error_code ec;
  auto address = asio::ip::make_address(options.bind_address, ec);
  if (ec) {
    return Fail(Error::InvalidArgument(
        fmt::format("DLI bind address '{}' is not an IP literal", options.bind_address)));
  }
  udp::endpoint local(address, options.port);
  impl->socket.open(local.protocol(), ec);
  if (!ec) impl->socket.bind(local, ec);
  if (ec) {
    return Fail(Error::Io(fmt::format("DLI: cannot bind UDP {}:{}: {}", options.bind_address,
                                      options.port, ec.message())));
  }
  // Room for bursts (a campaign's KMMs arrive back to back).
  impl->socket.set_option(udp::socket::receive_buffer_size(4 << 20), ec);
  if (options.only_from) {
    auto a = asio::ip::make_address(options.only_from->host, ec);
    if (ec) return Fail(Error::InvalidArgument("DLI only_from: " + options.only_from->host));
    impl->only_from = udp::endpoint(a, options.only_from->port);
  }
  impl->handler = std::move(handler);
  std::unique_ptr<DliSocket> s(new DliSocket(std::move(impl)));
  s->impl_->foreign = &s->foreign_dropped_;
  s->impl_->Receive();
  s->impl_->thread = std::thread([i = s->impl_.get()] { i->io.run(); });
  return s;
}

DliSocket::~DliSocket() {
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

uint16_t DliSocket::port() const {
  boost::system::error_code ec;
  return impl_->socket.local_endpoint(ec).port();
}

Status DliSocket::SendTo(const UdpPeer& to, ByteView datagram) {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(to.host, ec);
  if (ec) return Fail(Error::InvalidArgument("DLI peer '" + to.host + "' is not an IP literal"));
  udp::endpoint target(address, to.port);
  std::lock_guard lock(impl_->send_mu);
  // A plain sendto on the bound socket: the receive side stays on the io thread.
  ssize_t n = -1;
  for (int tries = 0; tries < 50; ++tries) {
    n = ::sendto(impl_->socket.native_handle(), datagram.data(), datagram.size(), 0, target.data(),
                 static_cast<socklen_t>(target.size()));
    if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) break;
    // The socket is non-blocking (Asio): wait for room in the send buffer.
    pollfd pfd{impl_->socket.native_handle(), POLLOUT, 0};
    ::poll(&pfd, 1, 10);
  }
  if (n < 0 || static_cast<size_t>(n) != datagram.size()) {
    return Fail(Error::Io(fmt::format("DLI: sendto {}: {}", to.ToString(),
                                      std::error_code(errno, std::generic_category()).message())));
  }
  if (capture::GlobalTap()) {  // the demo's pcap (docs/capture.md)
    auto local = impl_->socket.local_endpoint(ec);
    if (!ec) {
      capture::Capture(capture::Protocol::kUdp,
                       local.address().is_unspecified() ? to.host : local.address().to_string(),
                       local.port(), to.host, to.port, datagram);
    }
  }
  return Ok();
}

}  // namespace kb::iwf
