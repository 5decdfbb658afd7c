// TIA-102.AACD DLI datagrams (preamble + KMM) for the ladder diagram (docs/ladder.md).
#include <fmt/format.h>

#include "iwf/dli_preamble.h"
#include "ladder/kmm_summary.h"
#include "ladder/message_summary.h"

namespace kb::ladder {

Result<MessageSummary> SummariseDli(ByteView datagram) {
  KB_TRY(iwf::DliDatagram dg, iwf::DecodeDliDatagram(datagram));
  MessageSummary m;
  m.kind = "dli";
  m.json["preamble"] = {{"mfid", fmt::format("0x{:02X}", dg.preamble.mfid)},
                        {"algid", fmt::format("0x{:02X}", dg.preamble.algid)},
                        {"kid", fmt::format("0x{:04X}", dg.preamble.kid)}};
  if (!dg.preamble.IsClear()) {
    m.text = fmt::format("DLI encrypted KMM (ALGID 0x{:02X} KID 0x{:04X}, {} octets)",
                         dg.preamble.algid, dg.preamble.kid, dg.kmm.size());
    m.json["encrypted_length"] = dg.kmm.size();
    return m;
  }
  auto kmm = SummariseKmm(dg.kmm);
  if (!kmm) return Fail(kmm.error().Within("DLI KMM"));
  m.text = "DLI " + kmm->Text();
  m.json["kmm"] = kmm->Json();
  return m;
}

}  // namespace kb::ladder
