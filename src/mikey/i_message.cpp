// TS 33.180 E.1.2 / RFC 3830 5.2: decoding and encoding of a whole I_MESSAGE, with the payload
// order of the profile enforced in both directions.
#include "mikey/i_message.h"

#include <fmt/format.h>

namespace kb::mikey {

namespace {

// The payload-order state machine of TS 33.180 E.1.2.
class PayloadOrder {
 public:
  // Checks that a payload of this type (and IDR role / extension type) may come next.
  // where: "at offset N" (decoder) or "number N" (encoder).
  Status Accept(uint8_t type, uint8_t sub, std::string_view where) {
    auto misplaced = [&](std::string_view expected) {
      return Fail(Error::Malformed(fmt::format("{} payload {}: misplaced, expected {}",
                                               Describe(type, sub), where, expected)));
    };
    switch (stage_) {
      case 0:
        if (type != T()) return misplaced("T");
        break;
      case 1:
        if (type != Rand()) return misplaced("RAND");
        break;
      case 2:
        if (type != Idr() || (sub != 1 && sub != 8)) return misplaced("IDRi or IDRuidi");
        break;
      case 3:
        if (type != Idr() || (sub != 2 && sub != 9)) return misplaced("IDRr or IDRuidr");
        break;
      case 4:
        if (type != Idr() || sub != 6) return misplaced("IDRkmsi");
        break;
      case 5:
        if (type != Idr() || sub != 7) return misplaced("IDRkmsr");
        break;
      case 6:
        if (type == Sp()) {
          stage_ = 7;
          return Ok();
        }
        if (type != Sakke()) return misplaced("SP or SAKKE");
        stage_ = 8;
        return Ok();
      case 7:
        if (type != Sakke()) return misplaced("SAKKE");
        break;
      case 8:
        if (type == Ge()) {
          if (sub != 6 && sub != 7 &&
              sub != static_cast<uint8_t>(GeneralExtensionType::kLmrRootKey)) {
            return Fail(Error::Unsupported(
                fmt::format("General Extension payload {}: unknown type {} (only 6, 7 and the"
                            " keybridge LMR root key 241)",
                            where, sub)));
          }
          bool& seen = sub == 6 ? seen6_ : sub == 7 ? seen7_ : seen_private_;
          if (seen) return misplaced("one General Extension of each type");
          seen = true;
          return Ok();
        }
        if (type != Sign()) return misplaced("General Extension or SIGN");
        break;
      default:
        return misplaced("nothing after SIGN");
    }
    ++stage_;
    return Ok();
  }
  bool complete() const { return stage_ == 9; }

  static std::string Describe(uint8_t type, uint8_t sub) {
    if (type == Idr()) return std::string(IdRoleName(sub));
    if (type == Ge()) return fmt::format("General Extension(type {})", sub);
    return std::string(PayloadName(type));
  }

 private:
  static constexpr uint8_t T() { return static_cast<uint8_t>(PayloadType::kT); }
  static constexpr uint8_t Rand() { return static_cast<uint8_t>(PayloadType::kRand); }
  static constexpr uint8_t Idr() { return static_cast<uint8_t>(PayloadType::kIdr); }
  static constexpr uint8_t Sp() { return static_cast<uint8_t>(PayloadType::kSp); }
  static constexpr uint8_t Sakke() { return static_cast<uint8_t>(PayloadType::kSakke); }
  static constexpr uint8_t Ge() { return static_cast<uint8_t>(PayloadType::kGeneralExtension); }
  static constexpr uint8_t Sign() { return static_cast<uint8_t>(PayloadType::kSign); }

  int stage_ = 0;
  bool seen6_ = false;
  bool seen7_ = false;
  bool seen_private_ = false;  // the keybridge LMR root key extension (0xF1)
};

// The sub-type the order depends on: the IDR role or the extension type.
uint8_t SubTypeOf(const Payload& p) {
  if (const auto* idr = std::get_if<IdrPayload>(&p)) return idr->role;
  if (const auto* ge = std::get_if<GeneralExtension>(&p)) return ge->type;
  return 0;
}

Result<Payload> DecodePayload(uint8_t type, ByteReader& r, uint8_t& next) {
  auto wrap = [](auto result) -> Result<Payload> {
    if (!result) return Fail(std::move(result).error());
    return Payload(std::move(*result));
  };
  switch (static_cast<PayloadType>(type)) {
    case PayloadType::kT:
      return wrap(TimestampPayload::Decode(r, next));
    case PayloadType::kRand:
      return wrap(RandPayload::Decode(r, next));
    case PayloadType::kIdr:
      return wrap(IdrPayload::Decode(r, next));
    case PayloadType::kSp:
      return wrap(SecurityPolicyPayload::Decode(r, next));
    case PayloadType::kSakke:
      return wrap(SakkePayload::Decode(r, next));
    case PayloadType::kGeneralExtension:
      return wrap(GeneralExtension::Decode(r, next));
    case PayloadType::kSign:
      next = 0;
      return wrap(SignPayload::Decode(r));
    default:
      return Fail(Error::Internal("DecodePayload: unexpected type"));
  }
}

bool Supported(uint8_t type) {
  switch (static_cast<PayloadType>(type)) {
    case PayloadType::kT:
    case PayloadType::kRand:
    case PayloadType::kIdr:
    case PayloadType::kSp:
    case PayloadType::kSakke:
    case PayloadType::kGeneralExtension:
    case PayloadType::kSign:
      return true;
    default:
      return false;
  }
}

// The IDR role or extension type the payload at r will have, without consuming it.
Result<uint8_t> PeekSubType(uint8_t type, const ByteReader& r) {
  if (type != static_cast<uint8_t>(PayloadType::kIdr) &&
      type != static_cast<uint8_t>(PayloadType::kGeneralExtension)) {
    return uint8_t{0};
  }
  ByteReader peek = r;
  KB_CHECK(peek.U8(fmt::format("{}.next payload", PayloadName(type))));
  return peek.U8(type == static_cast<uint8_t>(PayloadType::kIdr) ? "IDR.ID Role"
                                                                 : "General Extension.Type");
}

Status EncodePayload(const Payload& p, ByteWriter& w, uint8_t next) {
  return std::visit(
      [&](const auto& v) -> Status {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, SignPayload>) {
          return v.Encode(w);
        } else {
          return v.Encode(w, next);
        }
      },
      p);
}

// Encodes the whole message; with signed_part_only, stops after the SIGN header.
Result<Bytes> EncodeMessage(const IMessage& m, bool signed_part_only) {
  if (m.payloads.empty()) return Fail(Error::InvalidArgument("I_MESSAGE: no payloads"));
  PayloadOrder order;
  for (size_t i = 0; i < m.payloads.size(); ++i) {
    auto st = order.Accept(static_cast<uint8_t>(TypeOf(m.payloads[i])), SubTypeOf(m.payloads[i]),
                           fmt::format("number {}", i + 1));
    if (!st) return Fail(Error::InvalidArgument(st.error().message()));
  }
  if (!order.complete()) return Fail(Error::InvalidArgument("I_MESSAGE: SIGN missing"));
  ByteWriter w(1024);
  KB_CHECK(m.hdr.Encode(w, static_cast<uint8_t>(TypeOf(m.payloads.front()))));
  for (size_t i = 0; i < m.payloads.size(); ++i) {
    const Payload& p = m.payloads[i];
    if (signed_part_only && TypeOf(p) == PayloadType::kSign) {
      KB_CHECK(std::get<SignPayload>(p).EncodeHeader(w));
      return std::move(w).Take();
    }
    uint8_t next = i + 1 < m.payloads.size() ? static_cast<uint8_t>(TypeOf(m.payloads[i + 1]))
                                             : static_cast<uint8_t>(PayloadType::kLast);
    KB_CHECK(EncodePayload(p, w, next));
  }
  if (w.size() > kMaxIMessageBytes) {
    return Fail(Error::InvalidArgument(
        fmt::format("I_MESSAGE: {} octets, over the maximum {}", w.size(), kMaxIMessageBytes)));
  }
  return std::move(w).Take();
}

}  // namespace

PayloadType TypeOf(const Payload& p) {
  return std::visit(
      [](const auto& v) -> PayloadType {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, TimestampPayload>) return PayloadType::kT;
        if constexpr (std::is_same_v<T, RandPayload>) return PayloadType::kRand;
        if constexpr (std::is_same_v<T, IdrPayload>) return PayloadType::kIdr;
        if constexpr (std::is_same_v<T, SecurityPolicyPayload>) return PayloadType::kSp;
        if constexpr (std::is_same_v<T, SakkePayload>) return PayloadType::kSakke;
        if constexpr (std::is_same_v<T, GeneralExtension>) return PayloadType::kGeneralExtension;
        if constexpr (std::is_same_v<T, SignPayload>) return PayloadType::kSign;
      },
      p);
}

std::string_view PayloadName(uint8_t type) {
  switch (static_cast<PayloadType>(type)) {
    case PayloadType::kLast:
      return "Last";
    case PayloadType::kKemac:
      return "KEMAC";
    case PayloadType::kPke:
      return "PKE";
    case PayloadType::kDh:
      return "DH";
    case PayloadType::kSign:
      return "SIGN";
    case PayloadType::kT:
      return "T";
    case PayloadType::kId:
      return "ID";
    case PayloadType::kCert:
      return "CERT";
    case PayloadType::kChash:
      return "CHASH";
    case PayloadType::kV:
      return "V";
    case PayloadType::kSp:
      return "SP";
    case PayloadType::kRand:
      return "RAND";
    case PayloadType::kErr:
      return "ERR";
    case PayloadType::kIdr:
      return "IDR";
    case PayloadType::kKeyData:
      return "Key data";
    case PayloadType::kGeneralExtension:
      return "General Extension";
    case PayloadType::kSakke:
      return "SAKKE";
  }
  return "unknown";
}

Result<IMessage> IMessage::Decode(ByteView message) {
  if (message.size() > kMaxIMessageBytes) {
    return Fail(Error::Malformed(fmt::format("I_MESSAGE: {} octets, over the maximum {}",
                                             message.size(), kMaxIMessageBytes)));
  }
  ByteReader r(message);
  IMessage m;
  uint8_t next = 0;
  KB_TRY(m.hdr, CommonHeader::Decode(r, next));
  PayloadOrder order;
  while (!order.complete()) {
    size_t at = r.offset();
    if (next == static_cast<uint8_t>(PayloadType::kLast)) {
      return Fail(Error::Malformed(
          fmt::format("I_MESSAGE at offset {}: next payload 0 (last) before SIGN", at)));
    }
    if (!Supported(next)) {
      return Fail(Error::Malformed(
          fmt::format("payload {} (type {}) at offset {}: not allowed in an I_MESSAGE",
                      PayloadName(next), next, at)));
    }
    KB_TRY(uint8_t sub, PeekSubType(next, r));
    KB_CHECK(order.Accept(next, sub, fmt::format("at offset {}", at)));
    if (next == static_cast<uint8_t>(PayloadType::kSign)) m.signed_length = at + kSignHeaderBytes;
    uint8_t type = next;
    KB_TRY(Payload p, DecodePayload(type, r, next));
    m.payloads.push_back(std::move(p));
  }
  KB_CHECK(r.ExpectEnd("I_MESSAGE after SIGN"));
  return m;
}

Result<Bytes> IMessage::Encode() const { return EncodeMessage(*this, false); }

Result<Bytes> IMessage::EncodeSignedPart() const { return EncodeMessage(*this, true); }

const IdrPayload* IMessage::FindIdr(uint8_t role) const {
  for (const Payload& p : payloads) {
    if (const auto* idr = std::get_if<IdrPayload>(&p); idr && idr->role == role) return idr;
  }
  return nullptr;
}

const GeneralExtension* IMessage::FindExtension(GeneralExtensionType type) const {
  for (const Payload& p : payloads) {
    if (const auto* ge = std::get_if<GeneralExtension>(&p);
        ge && ge->type == static_cast<uint8_t>(type)) {
      return ge;
    }
  }
  return nullptr;
}

}  // namespace kb::mikey
