// TS 33.180 5.2, E.1-E.7 / RFC 6507-6509 / RFC 3830 5.4: the receiver side of an I_MESSAGE,
// following the check list of the reference (mc-security.md section 9) step by step.
#include "mikey/i_message_opener.h"

#include <fmt/format.h>

#include <algorithm>

#include "crypto/eccsi.h"
#include "crypto/sakke.h"
#include "mikey/key_parameters_protection.h"
#include "mikey/lmr_root_key_extension.h"

namespace kb::mikey {

namespace {

inline constexpr size_t kMinRandBytes = 16;
inline constexpr size_t kUidBytes = 32;

std::string_view KeyTypeName(uint8_t tag) {
  switch (tag) {
    case 0:
      return "GMK";
    case 1:
      return "PCK";
    case 2:
      return "CSK";
    case 3:
      return "SPK";
    case 4:
      return "MKFC";
    case 5:
      return "MSCCK";
    case 6:
      return "MuSiK";
    case kLmrRootKeyPurposeTag:
      return "LMR root key (keybridge extension)";
    default:
      return "unassigned";
  }
}

uint32_t ReadBe32(ByteView b) {
  ByteReader r(b);
  return *r.U32("key ID");
}

// Step 1: the HDR.
Status CheckHeader(const CommonHeader& h, const OpenOptions& o) {
  if (h.version != kMikeyVersion) {
    return Fail(Error::Unsupported(fmt::format("HDR.version: {} (expected 1)", h.version)));
  }
  if (h.data_type != static_cast<uint8_t>(DataType::kSakkeMessage)) {
    return Fail(Error::Unsupported(
        fmt::format("HDR.data type: {} (expected 26, SAKKE message)", h.data_type)));
  }
  if (h.v) return Fail(Error::Unsupported("HDR.V: 1 (TS 33.180 sends no verification message)"));
  bool prf_ok = h.prf_func == static_cast<uint8_t>(PrfFunc::kPrfHmacSha256) ||
                (o.accept_mikey1_prf && h.prf_func == static_cast<uint8_t>(PrfFunc::kMikey1));
  if (!prf_ok) {
    return Fail(Error::Unsupported(
        fmt::format("HDR.PRF func: {} (expected 1, PRF-HMAC-SHA-256)", h.prf_func)));
  }
  uint8_t tag = crypto::PurposeTagOf(h.csb_id);
  if (o.expected_key_type && tag != static_cast<uint8_t>(*o.expected_key_type)) {
    return Fail(Error::Malformed(
        fmt::format("HDR.CSB ID: purpose tag {} ({}), expected {}", tag, KeyTypeName(tag),
                    KeyTypeName(static_cast<uint8_t>(*o.expected_key_type)))));
  }
  if (tag == kLmrRootKeyPurposeTag) {
    // keybridge extension: only for a caller that asks for it (OpenRootKeyIMessage).
    if (o.expected_key_type != kLmrRootKeyType) {
      return Fail(Error::Unsupported(
          "HDR.CSB ID: purpose tag 15 is the keybridge LMR root key extension; open it with"
          " OpenRootKeyIMessage"));
    }
    if (h.map_type != CsIdMapType::kEmpty) {
      return Fail(Error::Malformed("HDR.CS ID map: an LMR root key message has the empty map"));
    }
    return Ok();
  }
  switch (static_cast<crypto::PurposeTag>(tag)) {
    case crypto::PurposeTag::kGmk:
      if (h.map_type != CsIdMapType::kGenericId || h.cs.size() != 1 || h.cs[0].spi.size() != 8) {
        return Fail(Error::Malformed(
            "HDR.CS ID map: a GMK needs one GENERIC-ID entry with an 8-octet SPI"));
      }
      if (ReadBe32(ByteView(h.cs[0].spi).last(4)) != h.csb_id) {
        return Fail(
            Error::Malformed("HDR.GENERIC-ID.SPI: the GUK-ID half differs from the CSB"
                             " ID"));
      }
      break;
    case crypto::PurposeTag::kPck:
      break;  // empty map (defaults apply) or GENERIC-ID
    case crypto::PurposeTag::kCsk:
      if (h.map_type != CsIdMapType::kGenericId || h.cs.size() != 1 || h.cs[0].spi.size() != 4 ||
          ReadBe32(h.cs[0].spi) != h.csb_id) {
        return Fail(Error::Malformed(
            "HDR.CS ID map: a CSK needs one GENERIC-ID entry whose SPI is the CSK-ID"));
      }
      break;
    default:
      return Fail(Error::Unsupported(
          fmt::format("HDR.CSB ID: purpose tag {} ({}) is not a key type carried here", tag,
                      KeyTypeName(tag))));
  }
  return Ok();
}

// Step 2: T within the skew.
Status CheckTimestamp(const TimestampPayload& t, const OpenOptions& o) {
  if (t.ts_type != static_cast<uint8_t>(TsType::kNtpUtc)) {
    return Fail(Error::Unsupported(fmt::format("T.TS type: {} (expected 0, NTP-UTC)", t.ts_type)));
  }
  uint64_t ts = t.time().seconds();
  uint64_t now = o.now.seconds();
  if (ts + o.max_skew_seconds < now) {
    return Fail(Error::Expired(fmt::format("T: {} is {} s in the past (allowed skew {} s)",
                                           t.time().ToIso8601(), now - ts, o.max_skew_seconds)));
  }
  if (ts > now + o.max_skew_seconds) {
    return Fail(Error::Expired(fmt::format("T: {} is {} s in the future (allowed skew {} s)",
                                           t.time().ToIso8601(), ts - now, o.max_skew_seconds)));
  }
  return Ok();
}

// A UID from an IDRuid* payload.
Result<crypto::Uid> UidFrom(const IdrPayload& idr) {
  if (idr.id.size() != kUidBytes) {
    return Fail(Error::Malformed(
        fmt::format("{}: {} octets, a UID has 32", IdRoleName(idr.role), idr.id.size())));
  }
  crypto::Uid uid;
  std::copy(idr.id.begin(), idr.id.end(), uid.begin());
  return uid;
}

Status RequireUri(const IdrPayload& idr) {
  if (idr.id_type != static_cast<uint8_t>(IdType::kUri)) {
    return Fail(Error::Malformed(
        fmt::format("{}.ID Type: {} (a URI is expected)", IdRoleName(idr.role), idr.id_type)));
  }
  return Ok();
}

const KmsPublicKeys* FindKms(std::string_view uri, const ReceiverIdentity& me,
                             const OpenOptions& o) {
  if (me.kms->kms_uri == uri) return me.kms;
  for (const KmsPublicKeys* k : o.trusted_kms) {
    if (k && k->kms_uri == uri) return k;
  }
  return nullptr;
}

// One party's identity in the message: its URI (if sent) and its UID for the period of T.
struct Party {
  std::string uri;
  crypto::Uid uid{};
};

Result<Party> PartyFrom(const IdrPayload& idr, const KmsPublicKeys& kms, NtpTime t) {
  Party p;
  if (idr.role == static_cast<uint8_t>(IdRole::kIdri) ||
      idr.role == static_cast<uint8_t>(IdRole::kIdrr)) {
    KB_CHECK(RequireUri(idr));
    p.uri = std::string(idr.id_string());
    p.uid = kms.UidAt(p.uri, t);
  } else {
    KB_TRY(p.uid, UidFrom(idr));
  }
  return p;
}

}  // namespace

Result<OpenedIMessage> OpenIMessage(ByteView message, const ReceiverIdentity& me,
                                    const OpenOptions& o) {
  if (!me.kms) return Fail(Error::InvalidArgument("OpenIMessage: the receiver has no KMS"));
  if (o.replay_cache && o.replay_cache->window_seconds() < o.max_skew_seconds) {
    return Fail(Error::InvalidArgument("OpenIMessage: the replay window is shorter than the skew"));
  }
  KB_TRY(IMessage m, IMessage::Decode(message));

  // 1. HDR.
  KB_CHECK(CheckHeader(m.hdr, o));
  auto key_type = static_cast<crypto::PurposeTag>(crypto::PurposeTagOf(m.hdr.csb_id));
  // The keybridge LMR root key extension goes with purpose tag 15, and only with it.
  if ((key_type == kLmrRootKeyType) !=
      (m.FindExtension(GeneralExtensionType::kLmrRootKey) != nullptr)) {
    return Fail(Error::Malformed(
        key_type == kLmrRootKeyType
            ? "General Extension(LMR root key): absent in a purpose tag 15 message"
            : "General Extension(LMR root key): keybridge extension in a standard key message"));
  }

  // 2. T (the decoder guarantees every mandatory payload is present).
  const TimestampPayload& t = *m.Find<TimestampPayload>();
  KB_CHECK(CheckTimestamp(t, o));
  NtpTime ts = t.time();

  // 3. RAND.
  const RandPayload& rand = *m.Find<RandPayload>();
  if (rand.rand.size() < kMinRandBytes) {
    return Fail(Error::Malformed(
        fmt::format("RAND: {} octets, at least {} required", rand.rand.size(), kMinRandBytes)));
  }

  // 4. IDRs: the KMSs first (they give the key period schedules), then who is who.
  const IdrPayload& kmsi = *m.FindIdr(static_cast<uint8_t>(IdRole::kIdrkmsi));
  const IdrPayload& kmsr = *m.FindIdr(static_cast<uint8_t>(IdRole::kIdrkmsr));
  KB_CHECK(RequireUri(kmsi));
  KB_CHECK(RequireUri(kmsr));
  const KmsPublicKeys* kms_i = FindKms(kmsi.id_string(), me, o);
  if (!kms_i) {
    return Fail(
        Error::Unauthorised(fmt::format("IDRkmsi: KMS \"{}\" is not trusted", kmsi.id_string())));
  }
  const KmsPublicKeys* kms_r = FindKms(kmsr.id_string(), me, o);
  if (!kms_r) {
    return Fail(
        Error::Unauthorised(fmt::format("IDRkmsr: KMS \"{}\" is not trusted", kmsr.id_string())));
  }
  const IdrPayload* idr_i = m.FindIdr(static_cast<uint8_t>(IdRole::kIdri));
  if (!idr_i) idr_i = m.FindIdr(static_cast<uint8_t>(IdRole::kIdruidi));
  const IdrPayload* idr_r = m.FindIdr(static_cast<uint8_t>(IdRole::kIdrr));
  if (!idr_r) idr_r = m.FindIdr(static_cast<uint8_t>(IdRole::kIdruidr));
  KB_TRY(Party initiator, PartyFrom(*idr_i, *kms_i, ts));
  KB_TRY(Party responder, PartyFrom(*idr_r, *kms_r, ts));

  // Which of the two we are, and our key period from T.
  bool as_initiator = o.open_as == OpenAs::kInitiator;
  const IdrPayload& my_idr = as_initiator ? *idr_i : *idr_r;
  const Party& my_party = as_initiator ? initiator : responder;
  const KmsPublicKeys* my_kms_in_message = as_initiator ? kms_i : kms_r;
  if (my_kms_in_message->kms_uri != me.kms->kms_uri) {
    return Fail(Error::WrongRecipient(fmt::format("{}: KMS \"{}\" is not the receiver's KMS",
                                                  as_initiator ? "IDRkmsi" : "IDRkmsr",
                                                  my_kms_in_message->kms_uri)));
  }
  uint64_t my_period = me.kms->period.NumberAt(ts);
  crypto::Uid my_uid = me.kms->UidAt(me.uri, ts);
  bool is_me = my_party.uri.empty() ? my_party.uid == my_uid : my_party.uri == me.uri;
  if (!is_me) {
    return Fail(Error::WrongRecipient(
        fmt::format("{}: the message is addressed to another identity", IdRoleName(my_idr.role))));
  }
  const crypto::sakke::Receiver* rsk = nullptr;
  for (const ReceiverPeriodKey& k : me.keys) {
    if (k.key_period_number == my_period && k.receiver) rsk = k.receiver;
  }
  if (!rsk) {
    return Fail(Error::Expired(
        fmt::format("T: selects key period {}, for which the receiver holds no RSK", my_period)));
  }

  // 10 (first half). Identity hiding: the initiator URI learnt elsewhere must hash to IDRuidi.
  if (o.expected_initiator_uri) {
    crypto::Uid expected = kms_i->UidAt(*o.expected_initiator_uri, ts);
    if (expected != initiator.uid) {
      return Fail(Error::Unauthorised(
          "IDRuidi: the signed initiator UID is not the UID of the expected initiator URI"));
    }
    if (initiator.uri.empty()) initiator.uri = *o.expected_initiator_uri;
  }

  // 5. SIGN.
  const SignPayload& sign = *m.Find<SignPayload>();
  if (sign.s_type != kSignTypeEccsi) {
    return Fail(
        Error::Unsupported(fmt::format("SIGN.S type: {} (expected 2, ECCSI)", sign.s_type)));
  }
  if (sign.signature.size() != crypto::eccsi::kSignatureBytes) {
    return Fail(Error::Malformed(
        fmt::format("SIGN.Signature len: {} (ECCSI needs 129)", sign.signature.size())));
  }
  auto verified = crypto::eccsi::Verify(kms_i->kpak, initiator.uid, message.first(m.signed_length),
                                        sign.signature);
  if (!verified) {
    return Fail(Error::CryptoFailure(
        fmt::format("SIGN: the ECCSI signature does not verify with the initiator's UID ({})",
                    verified.error().message())));
  }

  // 2 (replay cache), only for authentic messages so forgeries cannot fill it.
  if (o.replay_cache) {
    KB_CHECK(o.replay_cache->CheckAndInsert(idr_i->id, ts, rand.rand, o.now));
  }

  // 6. SAKKE (ours, or the SAKKE-to-self copy).
  SakkePayload sakke;
  if (as_initiator) {
    const GeneralExtension* self = m.FindExtension(GeneralExtensionType::kSakkeToSelf);
    if (!self) {
      return Fail(
          Error::NotFound("General Extension(SAKKE-to-self): absent; the initiator"
                          " cannot open this message"));
    }
    KB_TRY(sakke, self->InnerSakke());
  } else {
    sakke = *m.Find<SakkePayload>();
  }
  if (sakke.params != kSakkeParamSet1) {
    return Fail(
        Error::Unsupported(fmt::format("SAKKE.SAKKE params: {} (expected 1)", sakke.params)));
  }
  if (sakke.id_scheme != kSakkeIdScheme3gppUid) {
    return Fail(Error::Unsupported(
        fmt::format("SAKKE.ID scheme: {} (expected 2, 3GPP hashed UID)", sakke.id_scheme)));
  }
  if (sakke.data.size() != crypto::sakke::kEncapsulatedBytes) {
    return Fail(
        Error::Malformed(fmt::format("SAKKE.SAKKE data length: {} (expected {})", sakke.data.size(),
                                     crypto::sakke::kEncapsulatedBytes)));
  }
  auto ssv = rsk->Decapsulate(sakke.data);
  if (!ssv) {
    return Fail(Error(ssv.error().kind() == ErrorKind::kMalformed ? ErrorKind::kMalformed
                                                                  : ErrorKind::kCryptoFailure,
                      fmt::format("SAKKE: decapsulation failed ({})", ssv.error().message())));
  }
  if (ssv->size() != 16) {
    return Fail(Error::CryptoFailure(
        fmt::format("SAKKE: the SSV is {} octets, a key needs 16", ssv->size())));
  }

  // 7 and 9. The key identifier.
  OpenedIMessage out;
  out.key_id = m.hdr.csb_id;
  if (key_type == crypto::PurposeTag::kGmk) {
    uint32_t spi_gmk_id = ReadBe32(ByteView(m.hdr.cs[0].spi).first(4));
    if (!as_initiator) {
      out.key_id = crypto::GukIdFromGmkId(m.hdr.csb_id, ssv->Reveal(), me.uri);
      if (out.key_id != spi_gmk_id) {
        return Fail(Error::Malformed(
            "HDR.GENERIC-ID.SPI: the GMK-ID half differs from the GMK-ID recovered from the"
            " GUK-ID"));
      }
    } else {
      out.key_id = spi_gmk_id;
      if (!responder.uri.empty() &&
          crypto::GukIdFromGmkId(spi_gmk_id, ssv->Reveal(), responder.uri) != m.hdr.csb_id) {
        return Fail(
            Error::Malformed("HDR.CSB ID: not the GUK-ID of the SPI's GMK-ID for the responder"));
      }
    }
  }

  // 8. Key parameters.
  if (const GeneralExtension* ge = m.FindExtension(GeneralExtensionType::kKeyParameters)) {
    ByteReader r(ge->data);
    KB_TRY(ProtectedPayload pp, ProtectedPayload::Decode(r));
    KB_TRY(KeyParameters kp, OpenKeyParameters(pp, *ssv, m.hdr.csb_id));
    if (kp.key_type != static_cast<uint8_t>(key_type)) {
      return Fail(Error::Malformed(fmt::format(
          "key parameters.Key Type: {} ({}), the CSB ID purpose tag says {}", kp.key_type,
          KeyTypeName(kp.key_type), KeyTypeName(static_cast<uint8_t>(key_type)))));
    }
    if (!kp.not_revoked()) {
      return Fail(Error::Unauthorised("key parameters.Status: the key is revoked"));
    }
    uint64_t now = o.now.seconds();
    if (kp.activation_time != 0 && now < kp.activation_time) {
      return Fail(
          Error::Expired(fmt::format("key parameters.Activation time: not active for another {} s",
                                     kp.activation_time - now)));
    }
    if (kp.expiry_time != 0 && now >= kp.expiry_time) {
      return Fail(Error::Expired(
          fmt::format("key parameters.Expiry time: expired {} s ago", now - kp.expiry_time)));
    }
    out.key_parameters = std::move(kp);
  }

  out.key_type = key_type;
  out.key = std::move(*ssv);
  out.csb_id = m.hdr.csb_id;
  out.prf_func = m.hdr.prf_func;
  out.rand = rand.rand;
  out.timestamp = ts;
  out.key_period_number = my_period;
  out.initiator_uri = std::move(initiator.uri);
  out.initiator_uid = initiator.uid;
  out.responder_uri = std::move(responder.uri);
  if (out.responder_uri.empty() && !as_initiator) out.responder_uri = me.uri;
  out.responder_uid = responder.uid;
  out.map_type = m.hdr.map_type;
  out.cs = m.hdr.cs;
  if (const auto* sp = m.Find<SecurityPolicyPayload>()) out.security_policy = *sp;
  return out;
}

}  // namespace kb::mikey
