// TS 33.180 7.4 / 5.2.3 / F.1.3: group call media keys from a GMK I_MESSAGE file.
#include "app/group_call_key.h"

#include <fmt/format.h>

#include "app/input.h"
#include "crypto/mc_identity.h"
#include "crypto/sakke.h"
#include "kms/at_rest.h"
#include "kms/user_key_documents.h"
#include "mikey/community.h"
#include "mikey/i_message_opener.h"
#include "srtp/key_derivation.h"

namespace kb::app {
namespace {

inline constexpr uint8_t kCsIdMcpttGroupCall = 4;  // TS 33.180 E.1.3-1

}  // namespace

Result<GroupCallKey> OpenGroupCallKey(const std::filesystem::path& kms_cert,
                                      const std::filesystem::path& keys,
                                      const std::filesystem::path& gmk_file, const std::string& me,
                                      uint64_t max_age_seconds) {
  KB_TRY(std::string cert_xml, ReadInput(kms_cert.string()));
  KB_TRY(auto cert, kms::LoadKmsCertificate(cert_xml));
  KB_TRY(auto community, crypto::sakke::Community::Create(cert.pub_enc_key));
  mikey::KmsPublicKeys kms_keys{cert.kms_uri, cert.pub_enc_key, cert.pub_auth_key, cert.key_period,
                                &community};
  KB_TRY(std::string keys_xml, ReadInput(keys.string()));
  KB_TRY(auto sets, kms::LoadKmsKeySets(keys_xml));
  std::vector<crypto::sakke::Receiver> receivers;
  receivers.reserve(sets.size());
  mikey::ReceiverIdentity id{me, &kms_keys, {}};
  for (const auto& s : sets) {
    if (s.user_uri != me) continue;
    // Receiver::Create validates the RSK (the pairing check); the SSK is not used here.
    crypto::Uid uid = crypto::MikeySakkeUid(me, cert.kms_uri, cert.key_period, s.key_period_no);
    KB_TRY(auto r, crypto::sakke::Receiver::Create(community, uid, s.user_decrypt_key.Clone()));
    receivers.push_back(std::move(r));
    id.keys.push_back({s.key_period_no, nullptr});
  }
  if (receivers.empty()) {
    return Fail(Error::NotFound(fmt::format("{}: no key set for {}", keys.string(), me)));
  }
  for (size_t i = 0; i < receivers.size(); ++i) id.keys[i].receiver = &receivers[i];

  KB_TRY(std::string text, ReadInput(gmk_file.string()));
  KB_TRY(Bytes raw, DecodeMessageText(text));
  mikey::OpenOptions options;
  options.now = NtpTime::Now();
  options.max_skew_seconds = max_age_seconds;
  options.expected_key_type = crypto::PurposeTag::kGmk;
  auto opened = mikey::OpenIMessage(raw, id, options);
  if (!opened) return Fail(opened.error().Within(gmk_file.string()));
  GroupCallKey out;
  out.me = me;
  out.gmk = std::move(opened->key);
  out.gmk_id = opened->key_id;
  out.guk_id = opened->csb_id;
  out.prf_func = opened->prf_func;
  out.rand = std::move(opened->rand);
  if (opened->key_parameters) {
    for (const auto& g : opened->key_parameters->group_ids) {
      if (!out.group_ids.empty()) out.group_ids += ",";
      out.group_ids += g.id;
    }
    out.shared_with_gateway =
        (opened->key_parameters->status & mikey::kKeyStatusSharedWithSecurityGateway) != 0;
  }
  return out;
}

uint32_t GukIdOf(const GroupCallKey& key, const std::string& member_uri) {
  return crypto::GukIdFromGmkId(key.gmk_id, key.gmk.Reveal(), member_uri);
}

srtp::MasterKeyMaterial GroupMasterKey(const GroupCallKey& key, uint32_t guk_id) {
  auto prf =
      key.prf_func == 0 ? crypto::MikeyPrfFunc::kHmacSha1 : crypto::MikeyPrfFunc::kHmacSha256;
  return srtp::DeriveMasterKey(prf, key.gmk.Reveal(), kCsIdMcpttGroupCall, guk_id, key.rand);
}

Result<std::unique_ptr<srtp::Session>> GroupSrtpSession(const GroupCallKey& key,
                                                        const std::vector<std::string>& peers) {
  srtp::SessionPolicy policy;
  policy.mki_size = 8;
  policy.roc_mode = srtp::RocMode::kRccm3;
  KB_TRY(auto session, srtp::Session::Create(policy));
  auto add = [&](uint32_t guk_id) -> Status {
    auto m = GroupMasterKey(key, guk_id);
    return session.AddMasterKey(srtp::GmkMki(key.gmk_id, guk_id), m.key.Reveal(), m.salt.Reveal());
  };
  KB_CHECK(add(key.guk_id));  // the first key added is the send key
  for (const auto& p : peers) {
    uint32_t guk = GukIdOf(key, p);
    if (guk == key.guk_id) continue;
    KB_CHECK(add(guk));
  }
  return std::make_unique<srtp::Session>(std::move(session));
}

Result<client::KeyFill> ReadTekFile(const std::filesystem::path& path) {
  KB_TRY(SecretBytes text, kms::ReadSecretFile(path, client::kMaxKeyFillBytes));
  auto fill = client::ParseKeyFill(AsString(text.Reveal()));
  if (!fill) return Fail(fill.error().Within(path.string()));
  if (fill->keyset == 0xFF) {
    return Fail(Error::InvalidArgument(fmt::format(
        "{}: keyset 0xFF is the KEK keyset; a group TEK needs another", path.string())));
  }
  if (fill->algid != 0x84 && fill->algid != 0x81 && fill->algid != 0xAA) {
    return Fail(Error::InvalidArgument(
        fmt::format("{}: ALGID {:#04x} has no voice keystream here", path.string(), fill->algid)));
  }
  return std::move(*fill);
}

}  // namespace kb::app
