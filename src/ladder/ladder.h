// keybridge ladder (docs/ladder.md): the packets of a capture file (src/capture/pcap_tap.h,
// classic pcap, LINKTYPE_IPV4) as a ladder diagram, one entry per signalling message: time
// offset, sender and receiver (named by node when the directory knows the address), and the
// message decoded by message_summary.h. SIP over UDP and TCP, HTTP over TCP (reassembled per
// direction of each connection), DLI datagrams over UDP. Nothing here prints a key value.
#pragma once

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "capture/pcap_tap.h"
#include "core/error.h"

namespace kb::ladder {

// Who is at which address: node names from the configuration, and SIP identities
// (sip:alice@example.org -> alice) to name an unlisted address when a SIP request from it
// carries that From URI (clients send from ephemeral ports).
struct NodeDirectory {
  std::map<capture::Address, std::string> by_address;
  std::map<std::string, std::string> by_identity;
};

// "127.0.0.1:5060".
std::string AddressText(const capture::Address& a);

struct LadderEntry {
  size_t packet = 0;  // 1-based number of the packet that completed the message
  double time = 0;    // seconds since the first packet of the capture
  capture::Protocol protocol = capture::Protocol::kUdp;
  capture::Address from, to;
  std::string from_name, to_name;  // node names, or AddressText
  std::string kind;                // "sip", "dli", "http", or "udp"/"tcp" for undecoded octets
  std::string text;                // the message, one line
  nlohmann::json detail;           // the message, as fields
  std::string error;               // why the octets were not decoded ("" when they were)
};

// Builds the ladder of a whole capture. Never fails: octets that do not decode become entries
// of kind "udp"/"tcp" with their length and the error; an incomplete TCP message at the end of
// the capture becomes one such entry.
std::vector<LadderEntry> BuildLadder(std::span<const capture::CapturedPacket> packets,
                                     NodeDirectory directory);

// "  12   +1.234s  kmf          -> iwf          DLI Rekey-Command ...".
std::string FormatLadderLine(const LadderEntry& e);
// {"packet", "time", "protocol", "from", "to", "from_node", "to_node", "kind", "text", ...
//  detail fields, "error" when set}.
nlohmann::json LadderEntryJson(const LadderEntry& e);

}  // namespace kb::ladder
