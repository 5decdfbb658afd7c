// TS 33.180 E.2-E.7: creation of MIKEY-SAKKE I_MESSAGEs for GMK, PCK and CSK.
#include "mikey/i_message_builder.h"

#include <fmt/format.h>

#include "crypto/eccsi.h"
#include "crypto/random.h"
#include "crypto/sakke.h"
#include "mikey/key_parameters_protection.h"

namespace kb::mikey {

namespace {

inline constexpr uint8_t kCsIdMcpttGroupCall = 4;
inline constexpr uint8_t kCsIdCskMcptt = 6;

Bytes Be32(uint32_t v) {
  ByteWriter w(4);
  w.U32(v);
  return std::move(w).Take();
}

Result<Bytes> Encapsulate(const KmsPublicKeys& kms, const SecretBytes& ssv,
                          const crypto::Uid& uid) {
  if (kms.community) return kms.community->Encapsulate(ssv, uid);
  return crypto::sakke::Encapsulate(ssv, kms.z, uid);
}

IdrPayload UidIdr(IdRole role, const crypto::Uid& uid) {
  // The public Streamwide example labels the UID as ID type 1 (URI); see docs/mikey-sakke.md.
  return {static_cast<uint8_t>(role), static_cast<uint8_t>(IdType::kUri),
          Bytes(uid.begin(), uid.end())};
}

}  // namespace

Result<Bytes> SignIMessage(IMessage& message, const crypto::eccsi::Signer& signer) {
  SignPayload* sign = message.Find<SignPayload>();
  if (!sign) return Fail(Error::InvalidArgument("SignIMessage: no SIGN payload"));
  sign->s_type = kSignTypeEccsi;
  sign->signature.assign(crypto::eccsi::kSignatureBytes, 0);
  KB_TRY(Bytes signed_part, message.EncodeSignedPart());
  KB_TRY(Bytes signature, signer.Sign(signed_part));
  if (signature.size() != crypto::eccsi::kSignatureBytes) {
    return Fail(Error::Internal("SignIMessage: ECCSI signature of unexpected length"));
  }
  sign->signature = std::move(signature);
  KB_TRY(Bytes wire, message.Encode());
  message.signed_length = signed_part.size();
  return wire;
}

Result<CreatedIMessage> CreateIMessage(const Initiator& initiator, const Responder& responder,
                                       const DistributedKey& key, const CreateOptions& options) {
  if (!initiator.kms || !initiator.signer || !responder.kms) {
    return Fail(
        Error::InvalidArgument("CreateIMessage: initiator KMS, signer or responder KMS"
                               " missing"));
  }
  if (initiator.uri.empty() || responder.uri.empty()) {
    return Fail(Error::InvalidArgument("CreateIMessage: empty initiator or responder URI"));
  }
  if (key.key.size() != 16) {
    return Fail(Error::InvalidArgument(
        fmt::format("CreateIMessage: the key must be 16 octets, not {}", key.key.size())));
  }
  if (crypto::PurposeTagOf(key.key_id) != static_cast<uint8_t>(key.type)) {
    return Fail(Error::InvalidArgument(
        fmt::format("CreateIMessage: key ID {:08x} has purpose tag {}, the key type is {}",
                    key.key_id, crypto::PurposeTagOf(key.key_id), static_cast<int>(key.type))));
  }
  uint64_t period = initiator.kms->period.NumberAt(options.now);
  if (period != initiator.key_period_number) {
    return Fail(Error::Expired(
        fmt::format("CreateIMessage: the signer's keys are for key period {}, T falls in period {}",
                    initiator.key_period_number, period)));
  }
  if (!options.rand.empty() && (options.rand.size() < 16 || options.rand.size() > 255)) {
    return Fail(Error::InvalidArgument("CreateIMessage: RAND must be 16..255 octets"));
  }

  crypto::Uid uid_i = initiator.kms->UidAt(initiator.uri, options.now);
  crypto::Uid uid_r = responder.kms->UidAt(responder.uri, options.now);

  if ((key.type == kLmrRootKeyType) != options.lmr_root_key.has_value()) {
    return Fail(Error::InvalidArgument(
        "CreateIMessage: the LMR root key extension goes with purpose tag 15 and only with it"));
  }

  IMessage m;
  std::optional<SecurityPolicyPayload> default_sp;
  if (key.type == kLmrRootKeyType) {
    // keybridge extension: no SRTP session, so no CS map and no default SP.
    m.hdr.csb_id = key.key_id;
    m.hdr.map_type = CsIdMapType::kEmpty;
  } else {
    switch (key.type) {
      case crypto::PurposeTag::kGmk: {
        uint32_t guk_id = crypto::GukIdFromGmkId(key.key_id, key.key.Reveal(), responder.uri);
        m.hdr.csb_id = guk_id;
        m.hdr.map_type = CsIdMapType::kGenericId;
        Bytes spi = Be32(key.key_id);
        Bytes guk = Be32(guk_id);
        spi.insert(spi.end(), guk.begin(), guk.end());
        m.hdr.cs.push_back({options.cs_id.value_or(kCsIdMcpttGroupCall), 0, false, {0}, {}, spi});
        default_sp = SecurityPolicyPayload::GroupDefault();
        break;
      }
      case crypto::PurposeTag::kPck:
        m.hdr.csb_id = key.key_id;
        m.hdr.map_type = CsIdMapType::kEmpty;
        default_sp = SecurityPolicyPayload::PrivateDefault();
        break;
      case crypto::PurposeTag::kCsk:
        m.hdr.csb_id = key.key_id;
        m.hdr.map_type = CsIdMapType::kGenericId;
        m.hdr.cs.push_back(
            {options.cs_id.value_or(kCsIdCskMcptt), 0, false, {0}, {}, Be32(key.key_id)});
        default_sp = SecurityPolicyPayload::PrivateDefault();
        break;
      default:
        return Fail(Error::Unsupported(
            fmt::format("CreateIMessage: key type {} not supported", static_cast<int>(key.type))));
    }
  }

  Bytes rand = options.rand.empty() ? crypto::RandomBytes(16) : options.rand;
  m.payloads.push_back(TimestampPayload::NtpUtc(options.now));
  m.payloads.push_back(RandPayload{rand});
  if (options.identity_hiding) {
    m.payloads.push_back(UidIdr(IdRole::kIdruidi, uid_i));
    m.payloads.push_back(UidIdr(IdRole::kIdruidr, uid_r));
  } else {
    m.payloads.push_back(IdrPayload::Uri(IdRole::kIdri, initiator.uri));
    m.payloads.push_back(IdrPayload::Uri(IdRole::kIdrr, responder.uri));
  }
  m.payloads.push_back(IdrPayload::Uri(IdRole::kIdrkmsi, initiator.kms->kms_uri));
  m.payloads.push_back(IdrPayload::Uri(IdRole::kIdrkmsr, responder.kms->kms_uri));
  if (options.include_security_policy) {
    if (options.security_policy) {
      m.payloads.push_back(*options.security_policy);
    } else if (default_sp) {
      m.payloads.push_back(*default_sp);
    }
  }

  KB_TRY(Bytes sakke_data, Encapsulate(*responder.kms, key.key, uid_r));
  m.payloads.push_back(SakkePayload{kSakkeParamSet1, kSakkeIdScheme3gppUid, sakke_data});
  if (options.sakke_to_self) {
    KB_TRY(Bytes self_data, Encapsulate(*initiator.kms, key.key, uid_i));
    KB_TRY(GeneralExtension ge,
           GeneralExtension::SakkeToSelf({kSakkeParamSet1, kSakkeIdScheme3gppUid, self_data}));
    m.payloads.push_back(std::move(ge));
  }
  if (options.key_parameters) {
    if (options.key_parameters->key_type != static_cast<uint8_t>(key.type)) {
      return Fail(Error::InvalidArgument(
          "CreateIMessage: the key parameters' Key Type differs from the key type"));
    }
    KB_TRY(ProtectedPayload pp, SealKeyParameters(*options.key_parameters, key.key, m.hdr.csb_id,
                                                  options.now, options.key_parameters_iv));
    KB_TRY(Bytes data, pp.Encode());
    m.payloads.push_back(GeneralExtension{
        static_cast<uint8_t>(GeneralExtensionType::kKeyParameters), std::move(data)});
  }
  if (options.lmr_root_key) {
    // keybridge extension (docs/lmr-root-key.md): inside the signed part, before SIGN.
    if (!options.lmr_root_key->root_key) {
      return Fail(Error::InvalidArgument("CreateIMessage: LMR root key missing"));
    }
    KB_TRY(LmrRootKeyExtension ext,
           SealRootKey(options.lmr_root_key->info, *options.lmr_root_key->root_key, key.key,
                       m.hdr.csb_id));
    KB_TRY(Bytes data, ext.Encode());
    m.payloads.push_back(GeneralExtension{kLmrRootKeyExtensionType, std::move(data)});
  }
  m.payloads.push_back(SignPayload{});

  KB_TRY(Bytes wire, SignIMessage(m, *initiator.signer));
  CreatedIMessage out;
  out.message = std::move(wire);
  out.csb_id = m.hdr.csb_id;
  out.rand = std::move(rand);
  out.parsed = std::move(m);
  return out;
}

}  // namespace kb::mikey
