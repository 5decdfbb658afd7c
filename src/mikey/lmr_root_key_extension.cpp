// keybridge extension (NOT TS 33.180): codec, KEK derivation and key wrap of the LMR root key
// General Extension (type 0xF1); see docs/lmr-root-key.md.
#include "mikey/lmr_root_key_extension.h"

#include <fmt/format.h>

#include <cctype>

#include "crypto/aes.h"
#include "crypto/kdf.h"

namespace kb::mikey {

namespace {

inline constexpr size_t kKekBytes = 16;
inline constexpr size_t kWrapOverhead = 8;

// Valid UTF-8 (no overlong forms, no surrogates, at most U+10FFFF) without C0 controls or DEL.
// Returns the offset of the first bad octet, or npos.
size_t FirstBadNameOctet(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<uint8_t>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7F) return i;
      ++i;
      continue;
    }
    size_t n = 0;
    uint32_t cp = 0;
    uint32_t min = 0;
    if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1Fu, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0Fu, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07u, min = 0x10000;
    } else {
      return i;
    }
    if (i + n >= s.size()) return i;  // truncated sequence
    for (size_t k = 1; k <= n; ++k) {
      auto cc = static_cast<uint8_t>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    // C1 controls (U+0080..U+009F) are refused too.
    if (cp >= 0x80 && cp <= 0x9F) return i;
    i += n + 1;
  }
  return std::string_view::npos;
}

// The key length a P25 ALGID implies, or 0 when unknown here.
size_t P25KeyBytes(uint8_t algid) {
  switch (algid) {
    case 0x81:  // DES-OFB
      return 8;
    case 0x82:  // 2-key triple DES
      return 16;
    case 0x83:  // 3-key triple DES
      return 24;
    case 0x84:  // AES-256
      return 32;
    case 0x85:  // AES-128
      return 16;
    case 0xAA:  // ADP (RC4, 40 bits)
      return 5;
    default:
      return 0;
  }
}

bool WrappedLengthFits(RootKeyWrap wrap, size_t n) {
  if (wrap == RootKeyWrap::kRfc3394) return n == 16 + kWrapOverhead || n == 32 + kWrapOverhead;
  return n % 8 == 0 && n >= 16 && n <= kMaxRootKeyBytes + kWrapOverhead;
}

Bytes Be32(uint32_t v) {
  ByteWriter w(4);
  w.U32(v);
  return std::move(w).Take();
}

}  // namespace

const char* LmrTypeName(LmrType t) {
  switch (t) {
    case LmrType::kP25:
      return "P25";
    case LmrType::kTetra:
      return "TETRA";
  }
  return "unknown";
}

const char* RootKeyKindName(RootKeyKind k) {
  switch (k) {
    case RootKeyKind::kP25Ukek:
      return "P25 UKEK";
    case RootKeyKind::kTetraKek:
      return "TETRA KEK";
  }
  return "unknown";
}

const char* RootKeyWrapName(RootKeyWrap w) {
  switch (w) {
    case RootKeyWrap::kRfc3394:
      return "RFC 3394";
    case RootKeyWrap::kRfc5649:
      return "RFC 5649";
  }
  return "unknown";
}

Result<LmrType> ParseLmrType(std::string_view name) {
  std::string lower;
  for (char c : name) lower.push_back(static_cast<char>(std::tolower(static_cast<uint8_t>(c))));
  if (lower == "p25") return LmrType::kP25;
  if (lower == "tetra") return LmrType::kTetra;
  return Fail(Error::InvalidArgument(fmt::format("LMR type '{}' is not p25 or tetra", name)));
}

RootKeyKind RootKeyKindFor(LmrType t) {
  return t == LmrType::kTetra ? RootKeyKind::kTetraKek : RootKeyKind::kP25Ukek;
}

RootKeyWrap RootKeyWrapFor(size_t key_bytes) {
  return key_bytes == 16 || key_bytes == 32 ? RootKeyWrap::kRfc3394 : RootKeyWrap::kRfc5649;
}

Status CheckRootKeyInfo(const RootKeyInfo& info) {
  if (info.lmr_type != LmrType::kP25 && info.lmr_type != LmrType::kTetra) {
    return Fail(Error::Unsupported(fmt::format("LMR root key.LMR type: {} (1 = P25, 2 = TETRA)",
                                               static_cast<int>(info.lmr_type))));
  }
  if (info.key_kind != RootKeyKindFor(info.lmr_type)) {
    return Fail(
        Error::Malformed(fmt::format("LMR root key.key kind: {} does not belong to {}",
                                     static_cast<int>(info.key_kind), LmrTypeName(info.lmr_type))));
  }
  if (info.key_name.size() > kMaxRootKeyNameBytes) {
    return Fail(Error::InvalidArgument(fmt::format("LMR root key.key name: {} octets (at most {})",
                                                   info.key_name.size(), kMaxRootKeyNameBytes)));
  }
  if (size_t bad = FirstBadNameOctet(info.key_name); bad != std::string_view::npos) {
    return Fail(Error::Malformed(fmt::format(
        "LMR root key.key name: octet {} is not UTF-8 text without control characters", bad)));
  }
  return Ok();
}

Status CheckRootKeyLength(const RootKeyInfo& info, size_t key_bytes) {
  if (key_bytes < kMinRootKeyBytes || key_bytes > kMaxRootKeyBytes) {
    return Fail(Error::InvalidArgument(fmt::format("LMR root key: {} octets (allowed {}..{})",
                                                   key_bytes, kMinRootKeyBytes, kMaxRootKeyBytes)));
  }
  if (info.lmr_type == LmrType::kP25) {
    size_t expected = P25KeyBytes(info.algid);
    if (expected != 0 && expected != key_bytes) {
      return Fail(Error::InvalidArgument(
          fmt::format("LMR root key: ALGID 0x{:02X} needs {} octets, the key has {}", info.algid,
                      expected, key_bytes)));
    }
  }
  return Ok();
}

Result<LmrRootKeyExtension> LmrRootKeyExtension::Decode(ByteView data) {
  ByteReader r(data);
  LmrRootKeyExtension e;
  KB_TRY(e.version, r.U8("LMR root key.version"));
  if (e.version != kLmrRootKeyFormatV1) {
    return Fail(Error::Unsupported(
        fmt::format("LMR root key.version at offset 0: {} (only 1 is known)", e.version)));
  }
  KB_TRY(uint8_t type, r.U8("LMR root key.LMR type"));
  KB_TRY(uint8_t kind, r.U8("LMR root key.key kind"));
  e.info.lmr_type = static_cast<LmrType>(type);
  e.info.key_kind = static_cast<RootKeyKind>(kind);
  KB_TRY(e.info.algid, r.U8("LMR root key.ALGID"));
  KB_TRY(e.info.kid, r.U16("LMR root key.KID"));
  KB_TRY(e.info.rotation_serial, r.U32("LMR root key.rotation serial"));
  KB_TRY(uint8_t name_len, r.U8("LMR root key.key name length"));
  KB_TRY(ByteView name, r.Take(name_len, "LMR root key.key name"));
  e.info.key_name.assign(AsString(name));
  KB_CHECK(CheckRootKeyInfo(e.info));
  size_t wrap_at = r.offset();
  KB_TRY(uint8_t wrap, r.U8("LMR root key.wrap"));
  if (wrap != static_cast<uint8_t>(RootKeyWrap::kRfc3394) &&
      wrap != static_cast<uint8_t>(RootKeyWrap::kRfc5649)) {
    return Fail(Error::Unsupported(fmt::format(
        "LMR root key.wrap at offset {}: {} (1 = RFC 3394, 2 = RFC 5649)", wrap_at, wrap)));
  }
  e.wrap = static_cast<RootKeyWrap>(wrap);
  size_t len_at = r.offset();
  KB_TRY(uint8_t wrapped_len, r.U8("LMR root key.wrapped length"));
  if (!WrappedLengthFits(e.wrap, wrapped_len)) {
    return Fail(Error::Malformed(
        fmt::format("LMR root key.wrapped length at offset {}: {} octets do not fit {}", len_at,
                    wrapped_len, RootKeyWrapName(e.wrap))));
  }
  KB_TRY(e.wrapped, r.TakeCopy(wrapped_len, "LMR root key.wrapped key"));
  KB_CHECK(r.ExpectEnd("LMR root key"));
  return e;
}

Result<Bytes> LmrRootKeyExtension::EncodeBinding() const {
  KB_CHECK(CheckRootKeyInfo(info));
  ByteWriter w(32 + info.key_name.size());
  w.U8(version)
      .U8(static_cast<uint8_t>(info.lmr_type))
      .U8(static_cast<uint8_t>(info.key_kind))
      .U8(info.algid)
      .U16(info.kid)
      .U32(info.rotation_serial)
      .U8(static_cast<uint8_t>(info.key_name.size()))
      .Append(std::string_view(info.key_name))
      .U8(static_cast<uint8_t>(wrap));
  return std::move(w).Take();
}

Result<Bytes> LmrRootKeyExtension::Encode() const {
  if (!WrappedLengthFits(wrap, wrapped.size())) {
    return Fail(
        Error::InvalidArgument(fmt::format("LMR root key.wrapped key: {} octets do not fit {}",
                                           wrapped.size(), RootKeyWrapName(wrap))));
  }
  KB_TRY(Bytes out, EncodeBinding());
  ByteWriter w(out.size() + 1 + wrapped.size());
  w.Append(out).U8(static_cast<uint8_t>(wrapped.size())).Append(wrapped);
  return std::move(w).Take();
}

SecretBytes DeriveRootKeyKek(const SecretBytes& ssv, uint32_t csb_id, ByteView binding) {
  Bytes p0 = Be32(csb_id);
  SecretBytes full =
      crypto::Kdf33220(ssv.Reveal(), kLmrRootKeyKdfFc, {p0, AsBytes(kLmrRootKeyKdfLabel), binding});
  return SecretBytes(full.Reveal().last(kKekBytes));
}

Result<LmrRootKeyExtension> SealRootKey(const RootKeyInfo& info, const SecretBytes& root_key,
                                        const SecretBytes& ssv, uint32_t csb_id) {
  KB_CHECK(CheckRootKeyInfo(info));
  KB_CHECK(CheckRootKeyLength(info, root_key.size()));
  if (crypto::PurposeTagOf(csb_id) != kLmrRootKeyPurposeTag) {
    return Fail(Error::InvalidArgument(
        fmt::format("SealRootKey: CSB ID {:08x} lacks the purpose tag 0xF", csb_id)));
  }
  LmrRootKeyExtension e;
  e.info = info;
  e.wrap = RootKeyWrapFor(root_key.size());
  KB_TRY(Bytes binding, e.EncodeBinding());
  SecretBytes kek = DeriveRootKeyKek(ssv, csb_id, binding);
  if (e.wrap == RootKeyWrap::kRfc3394) {
    KB_TRY(e.wrapped, crypto::AesKeyWrap(kek.Reveal(), root_key.Reveal()));
  } else {
    KB_TRY(e.wrapped, crypto::AesKeyWrapPad(kek.Reveal(), root_key.Reveal()));
  }
  return e;
}

Result<SecretBytes> UnsealRootKey(const LmrRootKeyExtension& ext, const SecretBytes& ssv,
                                  uint32_t csb_id) {
  KB_TRY(Bytes binding, ext.EncodeBinding());
  SecretBytes kek = DeriveRootKeyKek(ssv, csb_id, binding);
  auto key = ext.wrap == RootKeyWrap::kRfc3394 ? crypto::AesKeyUnwrap(kek.Reveal(), ext.wrapped)
                                               : crypto::AesKeyUnwrapPad(kek.Reveal(), ext.wrapped);
  if (!key) {
    return Fail(Error::CryptoFailure(fmt::format(
        "LMR root key.wrapped key: {} integrity check failed", RootKeyWrapName(ext.wrap))));
  }
  if (RootKeyWrapFor(key->size()) != ext.wrap) {
    return Fail(Error::Malformed(fmt::format("LMR root key.wrap: {} used for a {}-octet key",
                                             RootKeyWrapName(ext.wrap), key->size())));
  }
  if (auto st = CheckRootKeyLength(ext.info, key->size()); !st) {
    return Fail(Error::Malformed(st.error().message()));
  }
  return std::move(*key);
}

}  // namespace kb::mikey
