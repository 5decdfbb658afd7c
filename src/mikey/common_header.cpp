// RFC 3830 6.1 / RFC 6043 6.1.1: encoding and decoding of the MIKEY common header.
#include "mikey/common_header.h"

#include <fmt/format.h>

namespace kb::mikey {

namespace {

Result<GenericIdEntry> DecodeEntry(ByteReader& r) {
  GenericIdEntry e;
  KB_TRY(e.cs_id, r.U8("HDR.GENERIC-ID.CS ID"));
  KB_TRY(e.prot_type, r.U8("HDR.GENERIC-ID.Prot type"));
  KB_TRY(uint8_t sp, r.U8("HDR.GENERIC-ID.S/#P"));
  e.s = (sp & 0x80) != 0;
  size_t np = sp & 0x7F;
  KB_TRY(ByteView ps, r.Take(np, "HDR.GENERIC-ID.Ps"));
  e.policies.assign(ps.begin(), ps.end());
  KB_TRY(ByteReader sd, r.U16Prefixed("HDR.GENERIC-ID.Session Data"));
  ByteView sdv = sd.Rest();
  e.session_data.assign(sdv.begin(), sdv.end());
  KB_TRY(ByteReader spi, r.U8Prefixed("HDR.GENERIC-ID.SPI"));
  ByteView spiv = spi.Rest();
  e.spi.assign(spiv.begin(), spiv.end());
  return e;
}

}  // namespace

Result<CommonHeader> CommonHeader::Decode(ByteReader& r, uint8_t& next_payload) {
  CommonHeader h;
  KB_TRY(h.version, r.U8("HDR.version"));
  KB_TRY(h.data_type, r.U8("HDR.data type"));
  KB_TRY(next_payload, r.U8("HDR.next payload"));
  KB_TRY(uint8_t vprf, r.U8("HDR.V/PRF func"));
  h.v = (vprf & 0x80) != 0;
  h.prf_func = vprf & 0x7F;
  KB_TRY(h.csb_id, r.U32("HDR.CSB ID"));
  KB_TRY(uint8_t ncs, r.U8("HDR.#CS"));
  size_t map_offset = r.offset();
  KB_TRY(uint8_t map_type, r.U8("HDR.CS ID map type"));
  switch (map_type) {
    case static_cast<uint8_t>(CsIdMapType::kEmpty):
      if (ncs != 0) {
        return Fail(Error::Malformed(
            fmt::format("HDR.#CS at offset {}: {} crypto sessions with the empty CS ID map",
                        map_offset - 1, ncs)));
      }
      h.map_type = CsIdMapType::kEmpty;
      break;
    case static_cast<uint8_t>(CsIdMapType::kGenericId):
      if (ncs == 0) {
        return Fail(Error::Malformed(fmt::format(
            "HDR.#CS at offset {}: GENERIC-ID map with no crypto session", map_offset - 1)));
      }
      h.map_type = CsIdMapType::kGenericId;
      for (size_t i = 0; i < ncs; ++i) {
        KB_TRY(GenericIdEntry e, DecodeEntry(r));
        h.cs.push_back(std::move(e));
      }
      break;
    default:
      return Fail(Error::Unsupported(
          fmt::format("HDR.CS ID map type at offset {}: {} (only 1 = empty, 2 = GENERIC-ID)",
                      map_offset, map_type)));
  }
  return h;
}

Status CommonHeader::Encode(ByteWriter& w, uint8_t next_payload) const {
  if (prf_func > 0x7F) return Fail(Error::InvalidArgument("HDR.PRF func: more than 7 bits"));
  if (cs.size() > 255) return Fail(Error::InvalidArgument("HDR.#CS: more than 255 sessions"));
  if (map_type == CsIdMapType::kEmpty && !cs.empty()) {
    return Fail(Error::InvalidArgument("HDR: empty CS ID map with crypto sessions"));
  }
  if (map_type == CsIdMapType::kGenericId && cs.empty()) {
    return Fail(Error::InvalidArgument("HDR: GENERIC-ID map without crypto sessions"));
  }
  if (map_type == CsIdMapType::kSrtpId) {
    return Fail(Error::Unsupported("HDR: the SRTP-ID CS ID map is not supported"));
  }
  w.U8(version).U8(data_type).U8(next_payload);
  w.U8(static_cast<uint8_t>((v ? 0x80 : 0) | prf_func));
  w.U32(csb_id).U8(static_cast<uint8_t>(cs.size())).U8(static_cast<uint8_t>(map_type));
  for (const GenericIdEntry& e : cs) {
    if (e.policies.size() > 0x7F) {
      return Fail(Error::InvalidArgument("HDR.GENERIC-ID.#P: more than 127 policies"));
    }
    w.U8(e.cs_id).U8(e.prot_type);
    w.U8(static_cast<uint8_t>((e.s ? 0x80 : 0) | e.policies.size()));
    w.Append(e.policies);
    size_t sd = w.BeginU16Length();
    w.Append(e.session_data);
    KB_CHECK(w.EndU16Length(sd));
    size_t spi = w.BeginU8Length();
    w.Append(e.spi);
    KB_CHECK(w.EndU8Length(spi));
  }
  return Ok();
}

}  // namespace kb::mikey
