// libpcap file format (classic pcap, LINKTYPE_IPV4): a tap that records the signalling a node
// sends as synthesized IPv4/UDP and IPv4/TCP packets, so that Wireshark can open the demo's
// traffic (docs/capture.md).
//
// Every node of a loopback system appends to the same file: the file header is written once by
// whichever process creates the file, and each record is one write(2) on an O_APPEND descriptor,
// which Linux keeps whole. Only what a node *sends* is recorded, so each packet appears once.
// TLS connections are recorded as the plaintext HTTP they carry (labelled in docs/capture.md);
// nothing else about the node changes when the tap is off.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>

#include "core/bytes.h"
#include "core/error.h"

namespace kb::capture {

// pcap link type of raw IPv4 packets (no link-layer header).
inline constexpr uint32_t kLinktypeIpv4 = 228;
// The largest payload recorded per packet; longer sends are split into several TCP segments or
// truncated (UDP) with the original length kept in the record header.
inline constexpr size_t kMaxRecordedPayload = 65000;

enum class Protocol : uint8_t { kUdp = 17, kTcp = 6 };

struct Address {
  std::array<uint8_t, 4> ip{};
  uint16_t port = 0;
  auto operator<=>(const Address&) const = default;
};

// Parses "a.b.c.d" (IPv4 only; other addresses are not recorded).
Result<std::array<uint8_t, 4>> ParseIpv4(std::string_view text);

class PcapTap {
 public:
  // Opens (creating with the pcap header if absent) the capture file for appending.
  static Result<std::unique_ptr<PcapTap>> Open(const std::string& path);
  ~PcapTap();
  PcapTap(const PcapTap&) = delete;
  PcapTap& operator=(const PcapTap&) = delete;

  // Records one datagram (UDP) or one chunk of a byte stream (TCP) sent from `from` to `to`.
  // TCP sequence numbers continue per direction of each connection within this process.
  void Record(Protocol protocol, const Address& from, const Address& to, ByteView payload);

  // Records at an explicit time (tests).
  void RecordAt(std::chrono::system_clock::time_point at, Protocol protocol, const Address& from,
                const Address& to, ByteView payload);

 private:
  explicit PcapTap(int fd) : fd_(fd) {}
  int fd_;
  std::mutex mu_;
  std::map<std::tuple<Address, Address>, uint32_t> tcp_next_seq_;
  uint16_t ip_id_ = 0;
};

// The process-wide tap the network adapters call; null (the default) records nothing.
void SetGlobalTap(std::shared_ptr<PcapTap> tap);
std::shared_ptr<PcapTap> GlobalTap();

// Records through the global tap when one is set (cheap when none is).
void Capture(Protocol protocol, const Address& from, const Address& to, ByteView payload);
// Same, with textual IPv4 addresses as the adapters hold them; non-IPv4 addresses are skipped.
void Capture(Protocol protocol, std::string_view from_ip, uint16_t from_port,
             std::string_view to_ip, uint16_t to_port, ByteView payload);

// One record read back from a capture file (tests, `keybridge demo`'s summary).
struct CapturedPacket {
  std::chrono::system_clock::time_point at;
  Protocol protocol = Protocol::kUdp;
  Address from;
  Address to;
  Bytes payload;
};

// Reads a capture file written by PcapTap (either byte order), checking every length.
Result<std::vector<CapturedPacket>> ReadCapture(ByteView file);

}  // namespace kb::capture
