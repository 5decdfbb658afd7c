// TS 24.380 floor control transport (reduced): the MCPTT floor stream the SDP negotiates
// (m=application <port> udp MCPTT) as a UDP socket carrying RTCP APP "MCPT" floor messages
// (call/floor_control.h) in clear (docs/calls.md "Floor control in group calls": no SRTCP).
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <functional>
#include <memory>
#include <string>

#include "call/floor_control.h"
#include "core/error.h"

namespace kb::app {

// One UDP socket; every member but Open runs on the io_context thread.
class FloorChannel {
 public:
  using Endpoint = boost::asio::ip::udp::endpoint;
  using Handler = std::function<void(const call::FloorMessage&, const Endpoint& from)>;

  FloorChannel(boost::asio::io_context& io, std::string name) : io_(io), name_(std::move(name)) {}
  ~FloorChannel();
  FloorChannel(const FloorChannel&) = delete;
  FloorChannel& operator=(const FloorChannel&) = delete;

  // Binds address:port (0: ephemeral). kIo naming them on failure.
  Status Open(const std::string& address, uint16_t port = 0);
  // Starts receiving; packets that do not decode are counted and dropped (one log line each
  // for the first few).
  void Start(Handler on_message);
  void Close();
  // Sends one message. kIo when the socket refuses.
  Status Send(const call::FloorMessage& m, const Endpoint& to);

  uint16_t local_port() const { return port_; }
  uint64_t dropped() const { return dropped_; }
  static Result<Endpoint> EndpointOf(const std::string& address, uint16_t port);

 private:
  void Receive();

  boost::asio::io_context& io_;
  std::string name_;
  std::unique_ptr<boost::asio::ip::udp::socket> socket_;
  Endpoint source_;
  std::array<uint8_t, 1500> rx_{};
  Handler on_message_;
  uint16_t port_ = 0;
  uint64_t dropped_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// Short text for a floor message in logs and JSON: "granted", "deny: <phrase>", "taken by <id>",
// "idle", "request", "release".
std::string FloorEventText(const call::FloorMessage& m);

}  // namespace kb::app
