// libpcap file format (classic pcap, LINKTYPE_IPV4): see pcap_tap.h.
#include "capture/pcap_tap.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>

namespace kb::capture {
namespace {

constexpr uint32_t kPcapMagic = 0xa1b2c3d4;  // microsecond timestamps
constexpr uint32_t kPcapMagicSwapped = 0xd4c3b2a1;
constexpr size_t kIpv4HeaderSize = 20;
constexpr size_t kUdpHeaderSize = 8;
constexpr size_t kTcpHeaderSize = 20;
constexpr uint32_t kSnapLength = 65535;

Bytes FileHeader() {
  ByteWriter w(24);
  // Written big-endian; readers detect the byte order from the magic number.
  w.U32(kPcapMagic).U16(2).U16(4).U32(0).U32(0).U32(kSnapLength).U32(kLinktypeIpv4);
  return std::move(w).Take();
}

uint16_t Ipv4Checksum(ByteView header) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < header.size(); i += 2) {
    sum += static_cast<uint32_t>(header[i] << 8 | header[i + 1]);
  }
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum & 0xffff);
}

Status WriteAll(int fd, ByteView data) {
  // One write(2) per record keeps concurrent appenders from interleaving.
  ssize_t n = ::write(fd, data.data(), data.size());
  if (n != static_cast<ssize_t>(data.size())) {
    return Fail(Error::Io(std::string("pcap write failed: ") + std::strerror(errno)));
  }
  return {};
}

std::mutex g_tap_mu;
std::shared_ptr<PcapTap> g_tap;
std::atomic<bool> g_tap_set{false};

}  // namespace

Result<std::array<uint8_t, 4>> ParseIpv4(std::string_view text) {
  std::array<uint8_t, 4> ip{};
  const char* p = text.data();
  const char* end = text.data() + text.size();
  for (size_t i = 0; i < 4; ++i) {
    unsigned v = 0;
    auto [next, ec] = std::from_chars(p, end, v);
    if (ec != std::errc() || v > 255 || next == p) {
      return Fail(Error::InvalidArgument("not an IPv4 address"));
    }
    ip[i] = static_cast<uint8_t>(v);
    p = next;
    if (i < 3) {
      if (p == end || *p != '.') return Fail(Error::InvalidArgument("not an IPv4 address"));
      ++p;
    }
  }
  if (p != end) return Fail(Error::InvalidArgument("not an IPv4 address"));
  return ip;
}

Result<std::unique_ptr<PcapTap>> PcapTap::Open(const std::string& path) {
  // Create the file with its header atomically (link fails if another process won the race).
  if (!std::filesystem::exists(path)) {
    std::string tmp = path + ".tmp." + std::to_string(::getpid());
    int t = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (t < 0) return Fail(Error::Io("cannot create capture file " + tmp));
    Status st = WriteAll(t, FileHeader());
    ::close(t);
    if (!st) {
      ::unlink(tmp.c_str());
      return Fail(st.error());
    }
    if (::link(tmp.c_str(), path.c_str()) != 0 && errno != EEXIST) {
      ::unlink(tmp.c_str());
      return Fail(Error::Io("cannot create capture file " + path));
    }
    ::unlink(tmp.c_str());
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return Fail(Error::Io("cannot open capture file " + path));
  return std::unique_ptr<PcapTap>(new PcapTap(fd));
}

PcapTap::~PcapTap() { ::close(fd_); }

void PcapTap::Record(Protocol protocol, const Address& from, const Address& to, ByteView payload) {
  RecordAt(std::chrono::system_clock::now(), protocol, from, to, payload);
}

void PcapTap::RecordAt(std::chrono::system_clock::time_point at, Protocol protocol,
                       const Address& from, const Address& to, ByteView payload) {
  auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(at.time_since_epoch()).count();
  std::lock_guard lock(mu_);
  do {
    size_t chunk = std::min(payload.size(), kMaxRecordedPayload);
    ByteView part = payload.first(chunk);
    size_t transport_size = protocol == Protocol::kUdp ? kUdpHeaderSize : kTcpHeaderSize;
    size_t ip_length = kIpv4HeaderSize + transport_size + part.size();

    ByteWriter w(16 + ip_length);
    w.U32(static_cast<uint32_t>(micros / 1000000)).U32(static_cast<uint32_t>(micros % 1000000));
    w.U32(static_cast<uint32_t>(ip_length)).U32(static_cast<uint32_t>(ip_length));

    size_t ip_start = w.size();
    w.U8(0x45).U8(0).U16(static_cast<uint16_t>(ip_length)).U16(ip_id_++).U16(0x4000);
    w.U8(64).U8(static_cast<uint8_t>(protocol)).U16(0);
    w.Append(ByteView(from.ip)).Append(ByteView(to.ip));
    w.PatchU16(ip_start + 10, Ipv4Checksum(w.view().subspan(ip_start, kIpv4HeaderSize)));

    w.U16(from.port).U16(to.port);
    if (protocol == Protocol::kUdp) {
      // The UDP checksum is optional over IPv4 (0 = not computed).
      w.U16(static_cast<uint16_t>(kUdpHeaderSize + part.size())).U16(0);
    } else {
      uint32_t& seq = tcp_next_seq_[{from, to}];
      w.U32(seq).U32(0).U8(kTcpHeaderSize / 4 << 4).U8(0x08 /* PSH */).U16(65535).U16(0).U16(0);
      seq += static_cast<uint32_t>(part.size());
    }
    w.Append(part);
    (void)WriteAll(fd_, w.view());  // a lost capture record must not disturb the node
    payload = payload.subspan(chunk);
    if (protocol == Protocol::kUdp) break;  // a datagram is one record (truncated if huge)
  } while (!payload.empty());
}

void SetGlobalTap(std::shared_ptr<PcapTap> tap) {
  std::lock_guard lock(g_tap_mu);
  g_tap = std::move(tap);
  g_tap_set.store(g_tap != nullptr, std::memory_order_release);
}

std::shared_ptr<PcapTap> GlobalTap() {
  if (!g_tap_set.load(std::memory_order_acquire)) return nullptr;
  std::lock_guard lock(g_tap_mu);
  return g_tap;
}

void Capture(Protocol protocol, const Address& from, const Address& to, ByteView payload) {
  if (auto tap = GlobalTap()) tap->Record(protocol, from, to, payload);
}

void Capture(Protocol protocol, std::string_view from_ip, uint16_t from_port,
             std::string_view to_ip, uint16_t to_port, ByteView payload) {
  if (!g_tap_set.load(std::memory_order_acquire)) return;
  auto a = ParseIpv4(from_ip);
  auto b = ParseIpv4(to_ip);
  if (!a || !b) return;
  Capture(protocol, Address{*a, from_port}, Address{*b, to_port}, payload);
}

Result<std::vector<CapturedPacket>> ReadCapture(ByteView file) {
  ByteReader r(file);
  KB_TRY(auto magic, r.U32("pcap magic"));
  if (magic != kPcapMagic && magic != kPcapMagicSwapped) {
    return Fail(r.MalformedAt("pcap magic", "not a microsecond pcap file"));
  }
  const bool swapped = magic == kPcapMagicSwapped;
  auto fix32 = [swapped](uint32_t v) { return swapped ? __builtin_bswap32(v) : v; };
  KB_TRY(auto header_rest, r.Take(16, "pcap header"));
  KB_TRY(auto linktype, r.U32("pcap link type"));
  (void)header_rest;
  if (fix32(linktype) != kLinktypeIpv4) {
    return Fail(r.MalformedAt("pcap link type", "not LINKTYPE_IPV4"));
  }
  std::vector<CapturedPacket> out;
  while (!r.empty()) {
    KB_TRY(auto sec, r.U32("record seconds"));
    KB_TRY(auto usec, r.U32("record microseconds"));
    KB_TRY(auto incl, r.U32("record length"));
    KB_TRY(auto orig, r.U32("record original length"));
    (void)orig;
    KB_TRY(auto packet, r.Sub(fix32(incl), "record"));
    CapturedPacket p;
    p.at = std::chrono::system_clock::time_point(std::chrono::seconds(fix32(sec)) +
                                                 std::chrono::microseconds(fix32(usec)));
    KB_TRY(auto version, packet.U8("IPv4 version"));
    if (version != 0x45) return Fail(packet.MalformedAt("IPv4 version", "expected 0x45"));
    KB_TRY(auto ip_fields, packet.Take(8, "IPv4 header"));  // TOS .. TTL
    (void)ip_fields;
    KB_TRY(auto protocol, packet.U8("IPv4 protocol"));
    p.protocol = static_cast<Protocol>(protocol);
    KB_TRY(auto checksum, packet.U16("IPv4 checksum"));
    (void)checksum;
    KB_TRY(auto src, packet.Take(4, "IPv4 source"));
    KB_TRY(auto dst, packet.Take(4, "IPv4 destination"));
    std::copy(src.begin(), src.end(), p.from.ip.begin());
    std::copy(dst.begin(), dst.end(), p.to.ip.begin());
    KB_TRY(auto sport, packet.U16("source port"));
    KB_TRY(auto dport, packet.U16("destination port"));
    p.from.port = sport;
    p.to.port = dport;
    if (p.protocol == Protocol::kUdp) {
      KB_TRY(auto udp_rest, packet.Take(4, "UDP header"));
      (void)udp_rest;
    } else if (p.protocol == Protocol::kTcp) {
      KB_TRY(auto tcp_rest, packet.Take(16, "TCP header"));
      (void)tcp_rest;
    } else {
      return Fail(packet.MalformedAt("IPv4 protocol", "neither UDP nor TCP"));
    }
    ByteView rest = packet.Rest();
    p.payload.assign(rest.begin(), rest.end());
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace kb::capture
