// keybridge extension (NOT TS 33.180): creating and opening the LMR root key I_MESSAGE on top of
// the standard builder and opener (docs/lmr-root-key.md).
#include "mikey/lmr_root_key_message.h"

#include <fmt/format.h>

#include <algorithm>

#include "crypto/random.h"

namespace kb::mikey {

namespace {

uint32_t RandomRootKeyCsbId() {
  Bytes r = crypto::RandomBytes(4);
  ByteReader reader(r);
  uint32_t v = *reader.U32("random");
  return (uint32_t{kLmrRootKeyPurposeTag} << 28) | (v & 0x0FFFFFFFu);
}

const KmsPublicKeys* FindKms(std::string_view uri, const ReceiverIdentity& me,
                             const OpenOptions& o) {
  if (me.kms && me.kms->kms_uri == uri) return me.kms;
  for (const KmsPublicKeys* k : o.trusted_kms) {
    if (k && k->kms_uri == uri) return k;
  }
  return nullptr;
}

// Which authorised IWF the message claims as initiator (before any cryptography; the
// signature check in OpenIMessage then binds it). Returns the IWF's URI.
Result<std::string> AuthorisedInitiator(const IMessage& m, const ReceiverIdentity& me,
                                        const RootKeyOpenOptions& o) {
  const auto& list = o.authorised_iwfs;
  if (const IdrPayload* idri = m.FindIdr(static_cast<uint8_t>(IdRole::kIdri))) {
    std::string uri(idri->id_string());
    if (std::find(list.begin(), list.end(), uri) == list.end()) {
      return Fail(Error::Unauthorised(
          fmt::format("IDRi: \"{}\" is not an authorised IWF for LMR root keys", uri)));
    }
    return uri;
  }
  const IdrPayload* uidi = m.FindIdr(static_cast<uint8_t>(IdRole::kIdruidi));
  const IdrPayload* kmsi = m.FindIdr(static_cast<uint8_t>(IdRole::kIdrkmsi));
  const TimestampPayload* t = m.Find<TimestampPayload>();
  if (uidi && kmsi && t) {
    if (const KmsPublicKeys* kms = FindKms(kmsi->id_string(), me, o.base)) {
      for (const std::string& uri : list) {
        crypto::Uid uid = kms->UidAt(uri, t->time());
        if (ByteView(uid).size() == uidi->id.size() &&
            std::equal(uid.begin(), uid.end(), uidi->id.begin())) {
          return uri;
        }
      }
    }
  }
  return Fail(
      Error::Unauthorised("IDRuidi: the initiator is not the UID of an authorised IWF for LMR"
                          " root keys"));
}

}  // namespace

Result<CreatedRootKeyIMessage> CreateRootKeyIMessage(const Initiator& iwf, const Responder& user,
                                                     const RootKey& root_key,
                                                     const RootKeyCreateOptions& options) {
  DistributedKey key;
  key.type = kLmrRootKeyType;
  key.key_id = options.csb_id != 0 ? options.csb_id : RandomRootKeyCsbId();
  if (crypto::PurposeTagOf(key.key_id) != kLmrRootKeyPurposeTag) {
    return Fail(Error::InvalidArgument(
        fmt::format("CreateRootKeyIMessage: CSB ID {:08x} lacks purpose tag 15", key.key_id)));
  }
  if (!options.ssv.empty() && options.ssv.size() != 16) {
    return Fail(Error::InvalidArgument("CreateRootKeyIMessage: the SSV must be 16 octets"));
  }
  key.key = options.ssv.empty() ? crypto::RandomSecret(16) : options.ssv.Clone();

  CreateOptions co;
  co.now = options.now;
  co.identity_hiding = options.identity_hiding;
  co.include_security_policy = false;
  co.rand = options.rand;
  co.lmr_root_key = CreateOptions::LmrRootKey{root_key.info, &root_key.key};
  KB_TRY(CreatedIMessage created, CreateIMessage(iwf, user, key, co));
  return CreatedRootKeyIMessage{std::move(created.message), created.csb_id};
}

Result<OpenedRootKey> OpenRootKeyIMessage(ByteView message, const ReceiverIdentity& me,
                                          const RootKeyOpenOptions& options) {
  KB_TRY(IMessage m, IMessage::Decode(message));
  if (crypto::PurposeTagOf(m.hdr.csb_id) != kLmrRootKeyPurposeTag) {
    return Fail(
        Error::Malformed(fmt::format("HDR.CSB ID: purpose tag {}, an LMR root key message has 15",
                                     crypto::PurposeTagOf(m.hdr.csb_id))));
  }
  KB_TRY(std::string iwf, AuthorisedInitiator(m, me, options));

  OpenOptions base = options.base;
  base.expected_key_type = kLmrRootKeyType;
  base.open_as = OpenAs::kResponder;
  if (!m.FindIdr(static_cast<uint8_t>(IdRole::kIdri))) base.expected_initiator_uri = iwf;
  KB_TRY(OpenedIMessage opened, OpenIMessage(message, me, base));

  // OpenIMessage has checked that the extension is present (purpose tag 15).
  const GeneralExtension* ge = m.FindExtension(GeneralExtensionType::kLmrRootKey);
  KB_TRY(LmrRootKeyExtension ext, LmrRootKeyExtension::Decode(ge->data));
  KB_TRY(SecretBytes root, UnsealRootKey(ext, opened.key, m.hdr.csb_id));
  if (options.min_rotation_serial && ext.info.rotation_serial < *options.min_rotation_serial) {
    return Fail(Error::Replay(
        fmt::format("LMR root key.rotation serial: {} is older than the {} already accepted",
                    ext.info.rotation_serial, *options.min_rotation_serial)));
  }

  OpenedRootKey out;
  out.info = std::move(ext.info);
  out.root_key = std::move(root);
  out.csb_id = m.hdr.csb_id;
  out.iwf_uri = std::move(iwf);
  out.timestamp = opened.timestamp;
  out.key_period_number = opened.key_period_number;
  return out;
}

}  // namespace kb::mikey
