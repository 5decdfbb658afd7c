// keybridge ladder fuzz target (docs/ladder.md): the first octet picks what the rest is fed to
// (0 DLI datagram, 1 SIP message, 2 HTTP message, 3 KMM, otherwise a whole capture file read
// with capture::ReadCapture and turned into a ladder). Nothing may crash, every entry names a
// packet of the capture, and no line is empty.
#include <cstdint>
#include <cstdlib>

#include "capture/pcap_tap.h"
#include "ladder/kmm_summary.h"
#include "ladder/ladder.h"
#include "ladder/message_summary.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  kb::ByteView in(data + 1, size - 1);
  switch (data[0]) {
    case 0:
      if (auto s = kb::ladder::SummariseDli(in); s && s->text.empty()) std::abort();
      break;
    case 1:
      if (auto s = kb::ladder::SummariseSip(kb::AsString(in)); s && s->text.empty()) std::abort();
      break;
    case 2:
      if (auto s = kb::ladder::SummariseHttp(kb::AsString(in)); s && s->text.empty()) std::abort();
      break;
    case 3:
      if (auto s = kb::ladder::SummariseKmm(in); s && s->Text().empty()) std::abort();
      break;
    default: {
      auto packets = kb::capture::ReadCapture(in);
      if (!packets) break;
      kb::ladder::NodeDirectory dir;
      dir.by_identity["sip:alice@example.org"] = "alice";
      for (const auto& e : kb::ladder::BuildLadder(*packets, dir)) {
        if (e.packet == 0 || e.packet > packets->size()) std::abort();
        if (e.text.empty() || kb::ladder::FormatLadderLine(e).empty()) std::abort();
        (void)kb::ladder::LadderEntryJson(e).dump();
      }
    }
  }
  return 0;
}
