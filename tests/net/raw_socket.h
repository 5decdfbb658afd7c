// Test helpers: plain POSIX UDP and TCP sockets on 127.0.0.1 that play a misbehaving peer
// (drop a datagram, send garbage, break TCP framing) against a SipStack.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace kb::net::testing {

inline sockaddr_in Loopback(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

inline bool Readable(int fd, std::chrono::milliseconds timeout) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(timeout.count())) == 1;
}

class RawUdp {
 public:
  RawUdp() : fd_(::socket(AF_INET, SOCK_DGRAM, 0)) {
    sockaddr_in a = Loopback(0);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~RawUdp() { ::close(fd_); }
  RawUdp(const RawUdp&) = delete;
  RawUdp& operator=(const RawUdp&) = delete;

  uint16_t port() const { return port_; }
  void SendTo(uint16_t port, const std::string& data) const {
    sockaddr_in a = Loopback(port);
    ::sendto(fd_, data.data(), data.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
  }
  struct Datagram {
    std::string data;
    uint16_t from_port;
  };
  std::optional<Datagram> Receive(std::chrono::milliseconds timeout) const {
    if (!Readable(fd_, timeout)) return std::nullopt;
    char buf[65536];
    sockaddr_in from{};
    socklen_t len = sizeof from;
    ssize_t n = ::recvfrom(fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) return std::nullopt;
    return Datagram{std::string(buf, static_cast<size_t>(n)), ntohs(from.sin_port)};
  }

 private:
  int fd_;
  uint16_t port_ = 0;
};

class RawTcp {
 public:
  explicit RawTcp(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in a = Loopback(port);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~RawTcp() { ::close(fd_); }
  RawTcp(const RawTcp&) = delete;
  RawTcp& operator=(const RawTcp&) = delete;

  bool connected() const { return connected_; }
  void Send(const std::string& data) const { (void)::send(fd_, data.data(), data.size(), 0); }
  // Reads until done(received) holds, the peer closes (closed() becomes true) or the timeout
  // passes; returns everything received.
  template <typename Done>
  std::string ReadUntil(Done done, std::chrono::milliseconds timeout) {
    std::string out;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || !Readable(fd_, left)) break;
      char buf[65536];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      out.append(buf, static_cast<size_t>(n));
      if (done(out)) break;
    }
    return out;
  }
  bool closed() const { return closed_; }

 private:
  int fd_;
  bool connected_ = false;
  bool closed_ = false;
};

}  // namespace kb::net::testing
