// RFC 3830 6.15 / TS 33.180 E.5, E.6: encoding and decoding of the General Extension payload.
#include "mikey/general_extension.h"

#include <fmt/format.h>

#include "mikey/lmr_root_key_extension.h"
#include "mikey/protected_payload.h"

namespace kb::mikey {

Result<GeneralExtension> GeneralExtension::SakkeToSelf(const SakkePayload& sakke) {
  ByteWriter w;
  KB_CHECK(sakke.Encode(w, 0));
  return GeneralExtension{static_cast<uint8_t>(GeneralExtensionType::kSakkeToSelf),
                          std::move(w).Take()};
}

Result<SakkePayload> GeneralExtension::InnerSakke(uint8_t* inner_next) const {
  if (type != static_cast<uint8_t>(GeneralExtensionType::kSakkeToSelf)) {
    return Fail(Error::InvalidArgument("General Extension: not SAKKE-to-self (type 6)"));
  }
  ByteReader r(data);
  uint8_t next = 0;
  KB_TRY(SakkePayload p, SakkePayload::Decode(r, next));
  KB_CHECK(r.ExpectEnd("General Extension(SAKKE-to-self)"));
  if (inner_next) *inner_next = next;
  return p;
}

Result<GeneralExtension> GeneralExtension::Decode(ByteReader& r, uint8_t& next_payload) {
  GeneralExtension g;
  KB_TRY(next_payload, r.U8("General Extension.next payload"));
  size_t at = r.offset();
  KB_TRY(g.type, r.U8("General Extension.Type"));
  size_t len_at = r.offset();
  KB_TRY(uint16_t len, r.U16("General Extension.length"));
  if (len > kMaxGeneralExtensionBytes) {
    return Fail(Error::Malformed(
        fmt::format("General Extension.length at offset {}: {} octets (at most {})", len_at, len,
                    kMaxGeneralExtensionBytes)));
  }
  size_t data_at = r.offset();
  KB_TRY(g.data, r.TakeCopy(len, "General Extension.Data"));
  ByteReader inner(g.data, data_at);
  switch (g.type) {
    case static_cast<uint8_t>(GeneralExtensionType::kSakkeToSelf): {
      uint8_t ignored = 0;
      auto p = SakkePayload::Decode(inner, ignored);
      if (!p) return Fail(std::move(p).error().Within("General Extension(SAKKE-to-self)"));
      KB_CHECK(inner.ExpectEnd("General Extension(SAKKE-to-self)"));
      break;
    }
    case static_cast<uint8_t>(GeneralExtensionType::kKeyParameters): {
      auto p = ProtectedPayload::Decode(inner);
      if (!p) return Fail(std::move(p).error().Within("General Extension(key parameters)"));
      break;
    }
    case static_cast<uint8_t>(GeneralExtensionType::kLmrRootKey): {
      // keybridge extension (not TS 33.180): the LMR root key.
      auto p = LmrRootKeyExtension::Decode(g.data);
      if (!p) {
        return Fail(std::move(p).error().Within(
            fmt::format("General Extension(LMR root key, keybridge) at offset {}", data_at)));
      }
      break;
    }
    default:
      return Fail(Error::Unsupported(fmt::format(
          "General Extension.Type at offset {}: unknown type {} (only 6, 7 and the keybridge"
          " LMR root key 241)",
          at, g.type)));
  }
  return g;
}

Status GeneralExtension::Encode(ByteWriter& w, uint8_t next_payload) const {
  if (data.size() > kMaxGeneralExtensionBytes) {
    return Fail(Error::InvalidArgument("General Extension.Data: too long"));
  }
  w.U8(next_payload).U8(type).U16(static_cast<uint16_t>(data.size())).Append(data);
  return Ok();
}

}  // namespace kb::mikey
