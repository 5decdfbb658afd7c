// RFC 3261 clause 18 transport layer: SIP over UDP and TCP on Boost.Asio.
#include "net/sip_transport.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <vector>

#include "capture/pcap_tap.h"
#include "net/sip_framing.h"

namespace kb::net {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

namespace {

std::string Key(const asio::ip::address& a, uint16_t port) {
  return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" + std::to_string(port);
}

size_t KeepAliveOctets(std::string_view data) {
  size_t i = 0;
  while (i < data.size() && (data[i] == '\r' || data[i] == '\n')) ++i;
  return i;
}

}  // namespace

// One TCP connection, accepted or made. Lives in SipTransport::connections_ while open.
class TcpConnection : public std::enable_shared_from_this<TcpConnection> {
 public:
  TcpConnection(SipTransport& transport, tcp::socket socket, std::string key, SipEndpoint remote,
                bool connected)
      : transport_(transport),
        socket_(std::move(socket)),
        key_(std::move(key)),
        remote_(std::move(remote)),
        framer_(transport.config_.max_message_size),
        connected_(connected) {}

  void Connect(const tcp::endpoint& to) {
    socket_.async_connect(to, [self = shared_from_this()](const boost::system::error_code& ec) {
      if (self->closed_) return;
      if (ec) {
        self->Close(
            Error::Io("TCP connect to " + self->remote_.ToString() + " failed: " + ec.message()));
        return;
      }
      self->connected_ = true;
      // SIP messages are whole writes: Nagle + delayed ACK would hold each one ~40 ms.
      boost::system::error_code nd;
      self->socket_.set_option(tcp::no_delay(true), nd);
      self->Read();
      self->Write();
    });
  }

  void Read() {
    socket_.async_read_some(asio::buffer(buffer_), [self = shared_from_this()](
                                                       const boost::system::error_code& ec,
                                                       size_t n) {
      if (self->closed_) return;
      if (ec) {
        self->Close(
            Error::Io("TCP connection " + self->remote_.ToString() + ": " +
                      (ec == asio::error::eof ? std::string("closed by peer") : ec.message())));
        return;
      }
      self->framer_.Append(std::string_view(self->buffer_.data(), n));
      while (true) {
        auto next = self->framer_.Next();
        if (!next) {
          std::string head;
          if (self->framer_.last_head()) {
            head = HeadOnly(self->framer_.buffered(), *self->framer_.last_head());
          }
          spdlog::warn("sip: {}: {}; closing", self->remote_.ToString(), next.error().message());
          self->transport_.callbacks_.on_bad_message(std::move(head), next.error().message(),
                                                     self->remote_);
          self->CloseAfterWrites();
          return;
        }
        if (!next->has_value()) break;
        self->transport_.callbacks_.on_message(std::move(**next), self->remote_);
        if (self->closed_) return;
      }
      self->Read();
    });
  }

  void Send(std::string wire, SipTransport::ErrorCallback on_error) {
    if (closed_ || close_after_writes_) {
      if (on_error) on_error(Error::Io("TCP connection " + remote_.ToString() + " is closing"));
      return;
    }
    queue_.emplace_back(std::move(wire), std::move(on_error));
    if (connected_ && !writing_) Write();
  }

  void CloseAfterWrites() {
    close_after_writes_ = true;
    if (!writing_ && queue_.empty()) Close(Error::Io("TCP connection closed after an error"));
  }

  void Close(const Error& why) {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    auto pending = std::move(queue_);
    queue_.clear();
    for (auto& [wire, cb] : pending) {
      if (cb) cb(why);
    }
    transport_.Forget(key_, this);
  }

 private:
  // Writes every queued message (up to kMaxGather) in one gathered write: under load several
  // messages wait, and one system call per batch instead of per message saves most of the
  // kernel's send cost.
  void Write() {
    if (closed_ || writing_ || queue_.empty()) return;
    writing_ = true;
    constexpr size_t kMaxGather = 64;
    size_t n = std::min(queue_.size(), kMaxGather);
    gather_.clear();
    for (size_t i = 0; i < n; ++i) gather_.push_back(asio::buffer(queue_[i].first));
    asio::async_write(socket_, gather_,
                      [self = shared_from_this(), n](const boost::system::error_code& ec, size_t) {
                        self->writing_ = false;
                        if (self->closed_) return;
                        if (ec) {
                          self->Close(Error::Io("TCP send to " + self->remote_.ToString() +
                                                " failed: " + ec.message()));
                          return;
                        }
                        for (size_t i = 0; i < n; ++i) {
                          self->RecordSent(self->queue_.front().first);
                          self->queue_.pop_front();
                        }
                        if (self->queue_.empty() && self->close_after_writes_) {
                          self->Close(Error::Io("TCP connection closed after an error"));
                          return;
                        }
                        self->Write();
                      });
  }

  // The demo's pcap (docs/capture.md): what this side wrote on the connection.
  void RecordSent(const std::string& wire) {
    if (!capture::GlobalTap()) return;
    boost::system::error_code e1, e2;
    auto local = socket_.local_endpoint(e1);
    auto remote = socket_.remote_endpoint(e2);
    if (e1 || e2) return;
    capture::Capture(capture::Protocol::kTcp, local.address().to_string(), local.port(),
                     remote.address().to_string(), remote.port(), AsBytes(wire));
  }

  SipTransport& transport_;
  tcp::socket socket_;
  std::string key_;
  SipEndpoint remote_;
  StreamFramer framer_;
  std::deque<std::pair<std::string, SipTransport::ErrorCallback>> queue_;
  std::vector<asio::const_buffer> gather_;  // the buffers of the write in progress
  std::array<char, 16384> buffer_{};
  bool connected_;
  bool writing_ = false;
  bool close_after_writes_ = false;
  bool closed_ = false;
};

SipTransport::SipTransport(asio::io_context& io, const SipStackConfig& config, Callbacks callbacks)
    : io_(io), config_(config), callbacks_(std::move(callbacks)) {}

SipTransport::~SipTransport() = default;

Status SipTransport::Open() {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(config_.bind_address, ec);
  if (ec) return Fail(Error::InvalidArgument("SIP bind address " + config_.bind_address));
  if (config_.enable_udp) {
    udp_ = std::make_unique<udp::socket>(io_);
    udp::endpoint ep(address, config_.udp_port);
    udp_->open(ep.protocol(), ec);
    if (!ec) udp_->bind(ep, ec);
    if (ec) {
      return Fail(Error::Io("SIP UDP bind " + config_.bind_address + ":" +
                            std::to_string(config_.udp_port) + ": " + ec.message()));
    }
    udp_port_ = udp_->local_endpoint().port();
    ReceiveUdp();
  }
  if (config_.enable_tcp) {
    acceptor_ = std::make_unique<tcp::acceptor>(io_);
    tcp::endpoint ep(address, config_.tcp_port);
    acceptor_->open(ep.protocol(), ec);
    if (!ec) acceptor_->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_->bind(ep, ec);
    if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Fail(Error::Io("SIP TCP bind " + config_.bind_address + ":" +
                            std::to_string(config_.tcp_port) + ": " + ec.message()));
    }
    tcp_port_ = acceptor_->local_endpoint().port();
    Accept();
  }
  return Ok();
}

void SipTransport::Close() {
  closed_ = true;
  boost::system::error_code ignored;
  if (udp_) udp_->close(ignored);
  if (acceptor_) acceptor_->close(ignored);
  auto all = connections_;
  for (auto& [key, c] : all) c->Close(Error::Io("SIP stack stopped"));
  connections_.clear();
}

void SipTransport::ReceiveUdp() {
  udp_->async_receive_from(asio::buffer(udp_buffer_), udp_source_,
                           [this](const boost::system::error_code& ec, size_t n) {
                             if (closed_ || ec == asio::error::operation_aborted) return;
                             if (!ec) HandleDatagram(n);
                             ReceiveUdp();
                           });
}

void SipTransport::HandleDatagram(size_t size) {
  std::string_view data(udp_buffer_.data(), size);
  data.remove_prefix(KeepAliveOctets(data));
  if (data.empty()) return;  // RFC 5626 keep-alive
  SipEndpoint source{Transport::kUdp, udp_source_.address().to_string(), udp_source_.port()};
  std::optional<MessageHead> head;
  auto framed = FrameDatagram(data, &head);
  if (!framed) {
    spdlog::warn("sip: datagram from {}: {}", source.ToString(), framed.error().message());
    callbacks_.on_bad_message(head ? HeadOnly(data, *head) : std::string(),
                              framed.error().message(), source);
    return;
  }
  callbacks_.on_message(std::string(*framed), source);
}

void SipTransport::Accept() {
  acceptor_->async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (closed_ || ec == asio::error::operation_aborted) return;
    if (!ec) {
      boost::system::error_code ep_ec;
      auto remote = socket.remote_endpoint(ep_ec);
      if (!ep_ec) {
        std::string key = Key(remote.address(), remote.port());
        SipEndpoint source{Transport::kTcp, remote.address().to_string(), remote.port()};
        boost::system::error_code nd;
        socket.set_option(tcp::no_delay(true), nd);
        auto conn = std::make_shared<TcpConnection>(*this, std::move(socket), key, source, true);
        if (auto old = connections_.find(key); old != connections_.end()) {
          auto previous = old->second;
          previous->Close(Error::Io("replaced by a new connection"));
        }
        connections_[key] = conn;
        conn->Read();
      }
    }
    Accept();
  });
}

void SipTransport::Forget(const std::string& key, const TcpConnection* connection) {
  auto it = connections_.find(key);
  if (it != connections_.end() && it->second.get() == connection) connections_.erase(it);
}

void SipTransport::Send(const SipEndpoint& to, std::string wire, ErrorCallback on_error) {
  auto fail = [&](Error e) {
    if (on_error) on_error(e);
  };
  if (closed_) return fail(Error::Io("SIP stack stopped"));
  auto hit = hosts_.find(to.host);
  if (hit == hosts_.end()) {
    boost::system::error_code ec;
    auto parsed = asio::ip::make_address(to.host, ec);
    if (ec) return fail(Error::InvalidArgument("SIP target host is not an IP address: " + to.host));
    if (hosts_.size() >= 4096) hosts_.clear();
    std::string text = parsed.is_v6() ? "[" + parsed.to_string() + "]" : parsed.to_string();
    hit = hosts_.emplace(to.host, HostEntry{parsed, std::move(text)}).first;
  }
  const asio::ip::address& address = hit->second.address;
  if (wire.size() > config_.max_message_size) {
    return fail(Error::InvalidArgument("SIP message larger than max_message_size"));
  }
  if (to.transport == Transport::kUdp) {
    if (!udp_) return fail(Error::Unsupported("SIP: UDP is disabled in this stack"));
    auto buf = std::make_shared<std::string>(std::move(wire));
    if (capture::GlobalTap()) {
      boost::system::error_code local_ec;
      auto local = udp_->local_endpoint(local_ec);
      if (!local_ec) {
        capture::Capture(capture::Protocol::kUdp,
                         local.address().is_unspecified() ? to.host : local.address().to_string(),
                         local.port(), address.to_string(), to.port, AsBytes(*buf));
      }
    }
    udp_->async_send_to(
        asio::buffer(*buf), udp::endpoint(address, to.port),
        [buf, on_error, to](const boost::system::error_code& e, size_t) {
          if (e && e != asio::error::operation_aborted && on_error) {
            on_error(Error::Io("UDP send to " + to.ToString() + ": " + e.message()));
          }
        });
    return;
  }
  std::string key = hit->second.text + ":" + std::to_string(to.port);
  auto it = connections_.find(key);
  if (it == connections_.end()) {
    SipEndpoint remote{Transport::kTcp, address.to_string(), to.port};
    auto conn = std::make_shared<TcpConnection>(*this, tcp::socket(io_), key, remote, false);
    connections_[key] = conn;
    conn->Send(std::move(wire), std::move(on_error));
    conn->Connect(tcp::endpoint(address, to.port));
    return;
  }
  auto conn = it->second;  // keep alive across a synchronous Close
  conn->Send(std::move(wire), std::move(on_error));
}

}  // namespace kb::net
