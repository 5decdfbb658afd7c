// RFC 3261 clause 18 transport layer: SIP over UDP and TCP on Boost.Asio sockets. Frames
// incoming messages (sip_framing.h) and hands their text to the stack; sends serialised
// messages, reusing one TCP connection per remote address. Every member runs on the
// io_context thread, except Open() and the port accessors.
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>

#include "core/error.h"
#include "net/sip_stack.h"

namespace kb::net {

class TcpConnection;

class SipTransport {
 public:
  struct Callbacks {
    // One framed message (not yet parsed) and where it came from.
    std::function<void(std::string text, const SipEndpoint& source)> on_message;
    // A message whose framing failed: `head` is its head without Content-Length (empty when no
    // head could be found), `reason` what was wrong. A TCP connection is closed after any
    // response the callback sends on it.
    std::function<void(std::string head, std::string reason, const SipEndpoint& source)>
        on_bad_message;
  };
  using ErrorCallback = std::function<void(const Error&)>;

  SipTransport(boost::asio::io_context& io, const SipStackConfig& config, Callbacks callbacks);
  ~SipTransport();

  // Binds and starts receiving. Errors: kIo naming the address and port.
  Status Open();
  // Closes every socket; pending sends fail with kIo.
  void Close();

  // Sends one message. UDP: one datagram. TCP: over the connection to (host, port), which is
  // made if there is none. `on_error` (may be empty) runs on failure, on this thread.
  void Send(const SipEndpoint& to, std::string wire, ErrorCallback on_error);

  uint16_t udp_port() const { return udp_port_; }
  uint16_t tcp_port() const { return tcp_port_; }

 private:
  friend class TcpConnection;
  void ReceiveUdp();
  void HandleDatagram(size_t size);
  void Accept();
  void Forget(const std::string& key, const TcpConnection* connection);

  boost::asio::io_context& io_;
  SipStackConfig config_;
  Callbacks callbacks_;
  std::unique_ptr<boost::asio::ip::udp::socket> udp_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  boost::asio::ip::udp::endpoint udp_source_;
  std::array<char, 65536> udp_buffer_{};
  std::map<std::string, std::shared_ptr<TcpConnection>> connections_;  // by "ip:port"
  // Target host text -> its address and canonical text (bounded), so a send to a known host
  // does not parse and print the address again.
  struct HostEntry {
    boost::asio::ip::address address;
    std::string text;  // as Key() writes it ("[v6]" bracketed)
  };
  std::unordered_map<std::string, HostEntry> hosts_;
  uint16_t udp_port_ = 0;
  uint16_t tcp_port_ = 0;
  bool closed_ = false;
};

}  // namespace kb::net
