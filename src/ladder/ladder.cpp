// keybridge ladder (docs/ladder.md): capture packets -> one entry per signalling message.
#include "ladder/ladder.h"

#include <fmt/format.h>

#include <chrono>
#include <optional>
#include <tuple>

#include "ladder/message_summary.h"
#include "net/sip_framing.h"
#include "net/sip_message.h"

namespace kb::ladder {
namespace {

// The largest TCP message buffered while waiting for the rest.
constexpr size_t kMaxTcpMessage = 1 << 20;

enum class StreamKind { kSip, kHttp, kUnknown, kNeedMore };

// What a TCP stream that starts at a message boundary carries.
StreamKind ClassifyStream(std::string_view s) {
  static constexpr std::string_view kHttpMethods[] = {"GET ",    "POST ",  "PUT ",
                                                      "DELETE ", "PATCH ", "HEAD "};
  static constexpr std::string_view kSipMethods[] = {
      "REGISTER ",  "INVITE ", "ACK ",     "BYE ",  "CANCEL ", "OPTIONS ", "MESSAGE ",
      "SUBSCRIBE ", "NOTIFY ", "PUBLISH ", "INFO ", "UPDATE ", "PRACK ",   "REFER "};
  if (s.starts_with("SIP/2.0 ")) return StreamKind::kSip;
  if (s.starts_with("HTTP/1.")) return StreamKind::kHttp;
  for (auto m : kSipMethods)
    if (s.starts_with(m)) return StreamKind::kSip;
  for (auto m : kHttpMethods)
    if (s.starts_with(m)) return StreamKind::kHttp;
  if (s.size() < 10) return StreamKind::kNeedMore;
  return StreamKind::kUnknown;
}

struct Flow {
  std::string buffer;
  size_t first_packet = 0;
};

class Builder {
 public:
  Builder(std::span<const capture::CapturedPacket> packets, NodeDirectory directory)
      : packets_(packets), dir_(std::move(directory)) {}

  std::vector<LadderEntry> Run() {
    for (size_t i = 0; i < packets_.size(); ++i) {
      const auto& p = packets_[i];
      if (p.protocol == capture::Protocol::kUdp)
        OnUdp(i, p);
      else
        OnTcp(i, p);
    }
    for (auto& [key, flow] : flows_) {
      if (flow.buffer.empty()) continue;
      const auto& [from, to] = key;
      LadderEntry e = Entry(packets_.size() - 1, capture::Protocol::kTcp, from, to);
      e.kind = "tcp";
      e.error = "incomplete message at the end of the capture";
      e.text = fmt::format("TCP {} octets ({})", flow.buffer.size(), e.error);
      out_.push_back(std::move(e));
    }
    return std::move(out_);
  }

 private:
  LadderEntry Entry(size_t index, capture::Protocol protocol, const capture::Address& from,
                    const capture::Address& to) {
    LadderEntry e;
    e.packet = index + 1;
    e.time = std::chrono::duration<double>(packets_[index].at - packets_.front().at).count();
    e.protocol = protocol;
    e.from = from;
    e.to = to;
    return e;
  }

  std::string NameOf(const capture::Address& a) const {
    auto it = dir_.by_address.find(a);
    return it == dir_.by_address.end() ? AddressText(a) : it->second;
  }

  // A SIP request from an address the directory does not know names it by its From URI.
  void Learn(const capture::Address& from, std::string_view sip_text) {
    if (dir_.by_address.contains(from) || dir_.by_identity.empty()) return;
    auto framed = net::FrameDatagram(sip_text);
    if (!framed) return;
    auto msg = net::SipMessage::Parse(*framed);
    if (!msg || !msg->IsRequest()) return;
    auto it = dir_.by_identity.find(msg->FromUri());
    if (it != dir_.by_identity.end()) dir_.by_address[from] = it->second;
  }

  void Emit(LadderEntry e, Result<MessageSummary> summary, std::string_view raw_kind,
            size_t octets) {
    if (summary) {
      e.kind = summary->kind;
      e.text = std::move(summary->text);
      e.detail = std::move(summary->json);
    } else {
      e.kind = std::string(raw_kind);
      e.error = summary.error().ToString();
      e.text = fmt::format("{} {} octets (not decoded: {})", raw_kind == "udp" ? "UDP" : "TCP",
                           octets, e.error);
    }
    e.from_name = NameOf(e.from);
    e.to_name = NameOf(e.to);
    out_.push_back(std::move(e));
  }

  void OnUdp(size_t index, const capture::CapturedPacket& p) {
    LadderEntry e = Entry(index, capture::Protocol::kUdp, p.from, p.to);
    std::string_view text = AsString(p.payload);
    // A DLI datagram starts with its version octet 0x00; SIP starts with a letter (or the CRLF
    // of a keep-alive).
    if (!p.payload.empty() && p.payload[0] == 0x00) {
      Emit(std::move(e), SummariseDli(p.payload), "udp", p.payload.size());
      return;
    }
    Learn(p.from, text);
    Emit(std::move(e), SummariseSip(text), "udp", p.payload.size());
  }

  void OnTcp(size_t index, const capture::CapturedPacket& p) {
    Flow& flow = flows_[{p.from, p.to}];
    if (flow.buffer.empty()) flow.first_packet = index;
    flow.buffer.append(AsString(p.payload));
    while (!flow.buffer.empty()) {
      std::string_view s = flow.buffer;
      StreamKind kind = ClassifyStream(s);
      if (kind == StreamKind::kNeedMore) return;
      if (kind == StreamKind::kUnknown) {
        LadderEntry e = Entry(index, capture::Protocol::kTcp, p.from, p.to);
        Emit(std::move(e), Fail(Error::Malformed("neither SIP nor HTTP")), "tcp", s.size());
        flow.buffer.clear();
        return;
      }
      auto head = net::ScanHead(s);
      if (!head || (*head && !(*head)->content_length && kind == StreamKind::kSip)) {
        LadderEntry e = Entry(index, capture::Protocol::kTcp, p.from, p.to);
        Emit(std::move(e),
             Fail(head ? Error::Malformed("SIP over TCP without Content-Length") : head.error()),
             "tcp", s.size());
        flow.buffer.clear();
        return;
      }
      if (!*head) {  // the blank line has not arrived
        if (s.size() > kMaxTcpMessage) {
          LadderEntry e = Entry(index, capture::Protocol::kTcp, p.from, p.to);
          Emit(std::move(e), Fail(Error::Malformed("headers without an end")), "tcp", s.size());
          flow.buffer.clear();
        }
        return;
      }
      size_t length = (*head)->content_length.value_or(0);
      if (length > kMaxTcpMessage) {
        LadderEntry e = Entry(index, capture::Protocol::kTcp, p.from, p.to);
        Emit(std::move(e), Fail(Error::Malformed("Content-Length too large")), "tcp", s.size());
        flow.buffer.clear();
        return;
      }
      size_t total = (*head)->head_size + length;
      if (s.size() < total) return;
      std::string_view message = s.substr(0, total);
      LadderEntry e = Entry(index, capture::Protocol::kTcp, p.from, p.to);
      if (kind == StreamKind::kSip) {
        Learn(p.from, message);
        Emit(std::move(e), SummariseSip(message), "tcp", total);
      } else {
        Emit(std::move(e), SummariseHttp(message), "tcp", total);
      }
      flow.buffer.erase(0, total);
      flow.first_packet = index;
    }
  }

  std::span<const capture::CapturedPacket> packets_;
  NodeDirectory dir_;
  std::map<std::tuple<capture::Address, capture::Address>, Flow> flows_;
  std::vector<LadderEntry> out_;
};

}  // namespace

std::string AddressText(const capture::Address& a) {
  return fmt::format("{}.{}.{}.{}:{}", a.ip[0], a.ip[1], a.ip[2], a.ip[3], a.port);
}

std::vector<LadderEntry> BuildLadder(std::span<const capture::CapturedPacket> packets,
                                     NodeDirectory directory) {
  if (packets.empty()) return {};
  return Builder(packets, std::move(directory)).Run();
}

std::string FormatLadderLine(const LadderEntry& e) {
  return fmt::format("{:>5}  {:>+9.3f}s  {:<15} -> {:<15} {}", e.packet, e.time, e.from_name,
                     e.to_name, e.text);
}

nlohmann::json LadderEntryJson(const LadderEntry& e) {
  nlohmann::json j = e.detail.is_object() ? e.detail : nlohmann::json::object();
  j["packet"] = e.packet;
  j["time"] = e.time;
  j["protocol"] = e.protocol == capture::Protocol::kUdp ? "udp" : "tcp";
  j["from"] = AddressText(e.from);
  j["to"] = AddressText(e.to);
  j["from_node"] = e.from_name;
  j["to_node"] = e.to_name;
  j["kind"] = e.kind;
  j["text"] = e.text;
  if (!e.error.empty()) j["error"] = e.error;
  return j;
}

}  // namespace kb::ladder
