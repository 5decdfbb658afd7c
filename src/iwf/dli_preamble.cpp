// TIA-102.AACD DLI KMM preamble, Version 0 (14 octets; docs/iwf.md).
#include "iwf/dli_preamble.h"

#include <fmt/format.h>

#include <algorithm>

namespace kb::iwf {
namespace {

Result<DliPreamble> ReadPreamble(ByteReader& r) {
  DliPreamble p;
  KB_TRY(p.version, r.U8("DLI preamble.version"));
  if (p.version != kDliVersion0) {
    return Fail(Error::Unsupported(
        fmt::format("DLI preamble.version at offset {}: 0x{:02x}, only version 0 is known",
                    r.offset() - 1, p.version)));
  }
  KB_TRY(p.mfid, r.U8("DLI preamble.MFID"));
  KB_TRY(p.algid, r.U8("DLI preamble.ALGID"));
  KB_TRY(p.kid, r.U16("DLI preamble.KID"));
  KB_TRY(ByteView mi, r.Take(p.mi.size(), "DLI preamble.MI"));
  std::copy(mi.begin(), mi.end(), p.mi.begin());
  return p;
}

}  // namespace

Bytes EncodeDliPreamble(const DliPreamble& p) {
  ByteWriter w(kDliPreambleSize);
  w.U8(p.version).U8(p.mfid).U8(p.algid).U16(p.kid).Append(ByteView(p.mi));
  return std::move(w).Take();
}

Result<DliPreamble> DecodeDliPreamble(ByteView octets) {
  ByteReader r(octets);
  KB_TRY(DliPreamble p, ReadPreamble(r));
  KB_CHECK(r.ExpectEnd("DLI preamble"));
  return p;
}

Bytes EncodeDliDatagram(const DliPreamble& p, ByteView kmm) {
  ByteWriter w(kDliPreambleSize + kmm.size());
  w.U8(p.version).U8(p.mfid).U8(p.algid).U16(p.kid).Append(ByteView(p.mi)).Append(kmm);
  return std::move(w).Take();
}

Result<DliDatagram> DecodeDliDatagram(ByteView datagram) {
  ByteReader r(datagram);
  KB_TRY(DliPreamble p, ReadPreamble(r));
  if (r.empty()) {
    return Fail(Error::Truncated(
        fmt::format("KMM at offset {}: the datagram ends after the DLI preamble", r.offset())));
  }
  return DliDatagram{p, r.Rest()};
}

}  // namespace kb::iwf
