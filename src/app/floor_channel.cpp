// TS 24.380 floor messages (RTCP APP "MCPT") over the UDP floor stream of a call.
#include "app/floor_channel.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/ip/address.hpp>

namespace kb::app {

namespace asio = boost::asio;

FloorChannel::~FloorChannel() { Close(); }

Result<FloorChannel::Endpoint> FloorChannel::EndpointOf(const std::string& address, uint16_t port) {
  boost::system::error_code ec;
  auto a = asio::ip::make_address(address, ec);
  if (ec) return Fail(Error::InvalidArgument("floor: bad address " + address));
  return Endpoint(a, port);
}

Status FloorChannel::Open(const std::string& address, uint16_t port) {
  KB_TRY(Endpoint ep, EndpointOf(address, port));
  socket_ = std::make_unique<asio::ip::udp::socket>(io_);
  boost::system::error_code ec;
  socket_->open(ep.protocol(), ec);
  if (!ec) socket_->bind(ep, ec);
  if (ec) {
    return Fail(
        Error::Io(fmt::format("{}: cannot bind {}:{}: {}", name_, address, port, ec.message())));
  }
  port_ = socket_->local_endpoint().port();
  return Ok();
}

void FloorChannel::Start(Handler on_message) {
  on_message_ = std::move(on_message);
  Receive();
}

void FloorChannel::Close() {
  *alive_ = false;
  if (socket_) {
    boost::system::error_code ec;
    socket_->close(ec);
  }
}

void FloorChannel::Receive() {
  if (!socket_ || !*alive_) return;
  std::weak_ptr<bool> alive = alive_;
  socket_->async_receive_from(
      asio::buffer(rx_), source_, [this, alive](const boost::system::error_code& ec, size_t n) {
        auto a = alive.lock();
        if (!a || !*a) return;
        if (!ec) {
          auto m = call::FloorMessage::Decode(ByteView(rx_.data(), n));
          if (!m) {
            if (dropped_++ < 5) {
              spdlog::info("{}: floor packet from {}:{} dropped: {}", name_,
                           source_.address().to_string(), source_.port(), m.error().message());
            }
          } else if (on_message_) {
            on_message_(*m, source_);
          }
        }
        Receive();
      });
}

Status FloorChannel::Send(const call::FloorMessage& m, const Endpoint& to) {
  if (!socket_) return Fail(Error::InvalidArgument(name_ + ": not open"));
  Bytes b = m.Encode();
  boost::system::error_code ec;
  socket_->send_to(asio::buffer(b), to, 0, ec);
  if (ec) return Fail(Error::Io(name_ + ": UDP send failed: " + ec.message()));
  return Ok();
}

std::string FloorEventText(const call::FloorMessage& m) {
  using T = call::FloorMessageType;
  switch (m.type) {
    case T::kRequest:
      return "request";
    case T::kGranted:
      return "granted";
    case T::kTaken:
      return "taken by " + m.granted_party_identity;
    case T::kDeny:
      return "deny: " + m.reject_phrase;
    case T::kRelease:
      return "release";
    case T::kIdle:
      return "idle";
  }
  return "?";
}

}  // namespace kb::app
