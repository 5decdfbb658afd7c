// RFC 3550 RTP over UDP (one media stream per socket) protected with SRTP as TS 33.180 uses it
// (RFC 7714 AES-GCM through srtp::Session), or in clear for an LMR-side leg. The RTP header
// codec is srtp/rtp_header.h (RFC 3550 5.1).
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/bytes.h"
#include "core/error.h"
#include "srtp/rtp_header.h"
#include "srtp/srtp_session.h"

namespace kb::media {

struct RtpSessionConfig {
  std::string name = "rtp";  // for logs
  std::string local_address = "127.0.0.1";
  uint16_t local_port = 0;  // 0: an ephemeral port
  uint32_t ssrc = 0;
  uint8_t payload_type = 0;
  uint16_t first_sequence_number = 0;
};

// One received packet after SRTP was removed.
struct RtpFrame {
  srtp::RtpHeader header;
  ByteView payload;  // valid during the callback only
  // The MKI the SRTP packet carried (empty without SRTP or without an MKI); valid during the
  // callback only. Lets a receiver see which key a sender used (e.g. across a rekey).
  ByteView mki;
  // The whole packet as this leg received it (after SRTP removal when the leg has a session;
  // an SRTP packet as sent when it has none, e.g. for the security gateway to unprotect).
  ByteView packet;
};

struct RtpCounters {
  uint64_t sent = 0;
  uint64_t received = 0;
  uint64_t rejected = 0;  // not RTP, or SRTP that failed (tag, replay, unknown MKI)
};

// A UDP socket carrying one RTP stream out (our SSRC) and any streams in. Every member runs on
// the io_context thread except Open() and the accessors. With an srtp::Session every packet is
// protected before sending and unprotected on receipt (failures are counted and dropped, with
// a log line for the first and every 1000th); without one, packets are plain RTP.
class RtpSession {
 public:
  using FrameHandler = std::function<void(const RtpFrame&)>;

  RtpSession(boost::asio::io_context& io, RtpSessionConfig config,
             std::unique_ptr<srtp::Session> srtp);
  ~RtpSession();
  RtpSession(const RtpSession&) = delete;
  RtpSession& operator=(const RtpSession&) = delete;

  // Binds the socket. kIo naming the address and port on failure.
  Status Open();
  // Where Send goes.
  void SetRemote(const std::string& address, uint16_t port);
  // Starts the receive loop; on_frame runs for every packet that passes.
  void Start(FrameHandler on_frame);
  void Close();

  // Sends payload with the next SEQ and the given RTP timestamp. kInvalidArgument without a
  // remote, SRTP errors as srtp::Session::ProtectRtp, kIo when the socket refuses.
  Status Send(ByteView payload, uint32_t timestamp, bool marker = false);
  // Sends an already formed (S)RTP packet as it is (e.g. one the security gateway protected
  // itself). kInvalidArgument without a remote, kIo when the socket refuses.
  Status SendPacket(ByteView packet);

  uint16_t local_port() const { return local_port_; }
  const RtpCounters& counters() const { return counters_; }
  srtp::Session* srtp() { return srtp_.get(); }
  const RtpSessionConfig& config() const { return config_; }
  // The payload type of packets sent from now on (e.g. once the answer fixed the codec).
  void set_payload_type(uint8_t pt) { config_.payload_type = pt; }

 private:
  void Receive();
  void Handle(size_t size);

  boost::asio::io_context& io_;
  RtpSessionConfig config_;
  std::unique_ptr<srtp::Session> srtp_;
  std::unique_ptr<boost::asio::ip::udp::socket> socket_;
  boost::asio::ip::udp::endpoint remote_;
  boost::asio::ip::udp::endpoint source_;
  bool has_remote_ = false;
  FrameHandler on_frame_;
  std::array<uint8_t, 2048> rx_{};
  std::array<uint8_t, 8> rx_mki_{};
  Bytes tx_;
  uint16_t next_seq_;
  uint16_t local_port_ = 0;
  RtpCounters counters_;
  bool closed_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // handlers check it
};

}  // namespace kb::media
