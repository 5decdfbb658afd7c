// RFC 3550 RTP over UDP with RFC 3711/7714 SRTP (TS 33.180 profile) on a Boost.Asio socket.
#include "media/rtp_session.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>

namespace kb::media {

namespace asio = boost::asio;
using asio::ip::udp;

RtpSession::RtpSession(asio::io_context& io, RtpSessionConfig config,
                       std::unique_ptr<srtp::Session> srtp)
    : io_(io),
      config_(std::move(config)),
      srtp_(std::move(srtp)),
      next_seq_(config_.first_sequence_number) {}

RtpSession::~RtpSession() {
  *alive_ = false;
  Close();
}

Status RtpSession::Open() {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(config_.local_address, ec);
  if (ec) {
    return Fail(Error::InvalidArgument(config_.name + ": bad local address '" +
                                       config_.local_address + "'"));
  }
  auto socket = std::make_unique<udp::socket>(io_);
  udp::endpoint local(address, config_.local_port);
  socket->open(local.protocol(), ec);
  if (!ec) socket->bind(local, ec);
  if (ec) {
    return Fail(Error::Io(config_.name + ": cannot bind UDP " + config_.local_address + ":" +
                          std::to_string(config_.local_port) + ": " + ec.message()));
  }
  local_port_ = socket->local_endpoint().port();
  socket_ = std::move(socket);
  closed_ = false;
  return Ok();
}

void RtpSession::SetRemote(const std::string& address, uint16_t port) {
  remote_ = udp::endpoint(asio::ip::make_address(address), port);
  has_remote_ = true;
}

void RtpSession::Start(FrameHandler on_frame) {
  on_frame_ = std::move(on_frame);
  Receive();
}

void RtpSession::Close() {
  closed_ = true;
  if (socket_) {
    boost::system::error_code ec;
    socket_->close(ec);
  }
}

void RtpSession::Receive() {
  if (closed_ || !socket_) return;
  std::weak_ptr<bool> alive = alive_;
  socket_->async_receive_from(asio::buffer(rx_), source_,
                              [this, alive](const boost::system::error_code& ec, size_t n) {
                                auto a = alive.lock();
                                if (!a || !*a || closed_) return;
                                if (!ec) Handle(n);
                                Receive();
                              });
}

void RtpSession::Handle(size_t size) {
  std::span<uint8_t> packet(rx_.data(), size);
  ByteView mki;
  if (srtp_) {
    // MKI [|| ROC] end the packet (RFC 3711 3.1, RFC 4771); kept before the in-place unprotect.
    size_t mki_size = srtp_->policy().mki_size;
    size_t roc = srtp_->policy().roc_mode == srtp::RocMode::kRccm3 ? srtp::kRocSize : 0;
    if (mki_size > 0 && mki_size <= rx_mki_.size() && size >= mki_size + roc) {
      std::copy_n(rx_.begin() + static_cast<std::ptrdiff_t>(size - roc - mki_size), mki_size,
                  rx_mki_.begin());
      mki = ByteView(rx_mki_.data(), mki_size);
    }
    auto n = srtp_->UnprotectRtpInPlace(packet);
    if (!n) {
      // One line for the first drop and then every 1000th, so that a flood of forged packets
      // cannot flood the log.
      if (counters_.rejected++ % 1000 == 0) {
        spdlog::info("{}: {}:{} -> port {}: SRTP packet dropped ({} so far): {}", config_.name,
                     source_.address().to_string(), source_.port(), local_port_, counters_.rejected,
                     n.error().message());
      }
      return;
    }
    packet = packet.first(*n);
  }
  ByteReader r(packet);
  auto header = srtp::RtpHeader::Decode(r);
  if (!header) {
    if (counters_.rejected++ % 1000 == 0) {
      spdlog::info("{}: RTP packet dropped ({} so far): {}", config_.name, counters_.rejected,
                   header.error().message());
    }
    return;
  }
  ++counters_.received;
  if (on_frame_) on_frame_(RtpFrame{std::move(*header), r.Rest(), mki, packet});
}

Status RtpSession::Send(ByteView payload, uint32_t timestamp, bool marker) {
  if (!has_remote_ || !socket_) {
    return Fail(Error::InvalidArgument(config_.name + ": no remote address (or not open)"));
  }
  srtp::RtpHeader h;
  h.marker = marker;
  h.payload_type = config_.payload_type;
  h.sequence_number = next_seq_++;  // consumed even if protection fails: never reused
  h.timestamp = timestamp;
  h.ssrc = config_.ssrc;
  ByteWriter w;
  KB_CHECK(h.Encode(w));
  w.Append(payload);
  tx_ = std::move(w).Take();
  size_t len = tx_.size();
  if (srtp_) {
    tx_.resize(len + srtp_->RtpOverhead());
    KB_TRY(len, srtp_->ProtectRtpInPlace(tx_, len));
  }
  boost::system::error_code ec;
  socket_->send_to(asio::buffer(tx_.data(), len), remote_, 0, ec);
  if (ec) return Fail(Error::Io(config_.name + ": UDP send failed: " + ec.message()));
  ++counters_.sent;
  return Ok();
}

Status RtpSession::SendPacket(ByteView packet) {
  if (!has_remote_ || !socket_) {
    return Fail(Error::InvalidArgument(config_.name + ": no remote address (or not open)"));
  }
  boost::system::error_code ec;
  socket_->send_to(asio::buffer(packet.data(), packet.size()), remote_, 0, ec);
  if (ec) return Fail(Error::Io(config_.name + ": UDP send failed: " + ec.message()));
  ++counters_.sent;
  return Ok();
}

}  // namespace kb::media
