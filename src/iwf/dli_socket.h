// TIA-102.AACD DLI over UDP/IP (../shared/spec/p25-otar.md 8.3): one UDP socket on a Boost.Asio
// thread that carries preamble + KMM datagrams between a KMF and the IWF (KMF services port
// 64414 at the IWF, 49644 at the KMF). The IWF's LMR face and the KMF's LMR-hosted face.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/error.h"

namespace kb::iwf {

inline constexpr uint16_t kKmfServicesPort = 64414;  // the IWF listens here (from the KMF)
inline constexpr uint16_t kDliPort = 49644;          // the KMF listens here (from the IWF)

// An IPv4 or IPv6 literal and a port.
struct UdpPeer {
  std::string host;
  uint16_t port = 0;
  std::string ToString() const;
  bool operator==(const UdpPeer&) const = default;
};
// "127.0.0.1:64414" or "[::1]:64414". kInvalidArgument naming the text when it does not parse.
Result<UdpPeer> ParseUdpPeer(std::string_view text);

class DliSocket {
 public:
  using Handler = std::function<void(ByteView datagram, const UdpPeer& from)>;
  struct Options {
    std::string bind_address = "127.0.0.1";
    uint16_t port = 0;  // 0: ephemeral (read port())
    // When set, datagrams from any other address and port are dropped (and counted).
    std::optional<UdpPeer> only_from;
  };

  // Binds and starts the receive thread; handler runs on it, one datagram at a time. kIo when
  // the address cannot be bound.
  static Result<std::unique_ptr<DliSocket>> Start(Options options, Handler handler);
  // Stops the thread (pending handlers finish first).
  ~DliSocket();
  DliSocket(const DliSocket&) = delete;
  DliSocket& operator=(const DliSocket&) = delete;

  uint16_t port() const;
  // Sends one datagram from the bound socket. Thread-safe. kIo on failure.
  Status SendTo(const UdpPeer& to, ByteView datagram);
  uint64_t foreign_dropped() const { return foreign_dropped_.load(); }

  struct Impl;

 private:
  explicit DliSocket(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::atomic<uint64_t> foreign_dropped_{0};
};

}  // namespace kb::iwf
