// keybridge extension (NOT 3GPP): installing an LMR root key from the user profile or a key-fill
// file into the subscriber unit's KEK keyset (docs/client.md "Root key").
#include "client/root_key_install.h"

#include <fmt/format.h>

#include "cms/user_profile.h"

namespace kb::client {
namespace {

// Stores the key as the UKEK and replaces the previously installed root key.
Status PutRootKey(p25::SubscriberUnit& su, ClientExtras& extras, uint8_t algid, uint16_t kid,
                  SecretBytes key, InstalledRootKey record) {
  KB_CHECK(su.keys().Put(p25::kKekKeysetId, algid, kid, 0, std::move(key)));
  if (extras.root_key && (extras.root_key->algid != algid || extras.root_key->kid != kid)) {
    su.keys().Erase(p25::kKekKeysetId, extras.root_key->algid, extras.root_key->kid);
  }
  extras.root_key = std::move(record);
  return Ok();
}

}  // namespace

const char* RootKeyOutcomeName(RootKeyOutcome o) {
  switch (o) {
    case RootKeyOutcome::kInstalled:
      return "installed";
    case RootKeyOutcome::kUnchanged:
      return "unchanged";
    case RootKeyOutcome::kNoRootKey:
      return "no root key";
  }
  return "?";
}

Status InstallOpenedRootKey(p25::SubscriberUnit& su, ClientExtras& extras,
                            const mikey::OpenedRootKey& opened) {
  if (opened.info.lmr_type != mikey::LmrType::kP25) {
    return Fail(Error::Unsupported(
        fmt::format("root key: {} KEKs are not stored (this client holds a P25 key store)",
                    mikey::LmrTypeName(opened.info.lmr_type))));
  }
  InstalledRootKey record{opened.info.algid,    opened.info.kid,     opened.info.rotation_serial,
                          opened.info.key_name, RootKeySource::kCms, opened.iwf_uri};
  return PutRootKey(su, extras, opened.info.algid, opened.info.kid, opened.root_key.Clone(),
                    std::move(record));
}

Result<RootKeyOutcome> InstallRootKeyFromProfile(std::string_view profile_xml,
                                                 const mikey::ReceiverIdentity& me,
                                                 const RootKeyPolicy& policy, NtpTime now,
                                                 p25::SubscriberUnit& su, ClientExtras& extras) {
  auto profile = cms::ParseUserProfile(profile_xml);
  if (!profile) return Fail(profile.error().Within("user profile"));
  if (profile->mc_id != me.uri) {
    return Fail(Error::WrongRecipient(
        fmt::format("user profile: the profile is {}'s, not {}'s", profile->mc_id, me.uri)));
  }
  const cms::LmrRootKeyElement* element = nullptr;
  for (const auto& e : profile->lmr_root_keys) {
    if (e.lmr_type == mikey::LmrType::kP25) element = &e;
  }
  if (element == nullptr) return RootKeyOutcome::kNoRootKey;
  if (auto st = cms::CheckLmrRootKeyElement(*element); !st) {
    return Fail(st.error().Within("user profile lmr-root-key"));
  }
  // The highest serial accepted from the CMS so far (a key fill keeps it: docs/client.md).
  std::optional<uint32_t> installed_serial;
  if (extras.root_key) {
    const InstalledRootKey& rk = *extras.root_key;
    installed_serial = rk.rotation_serial;
    if (rk.source == RootKeySource::kCms && rk.rotation_serial == element->rotation_serial &&
        rk.algid == element->algid && rk.kid == element->kid &&
        su.keys().FindKek(rk.algid, rk.kid) != nullptr) {
      return RootKeyOutcome::kUnchanged;
    }
    // A key loaded by hand stays until the IWF distributes a newer rotation.
    if (rk.source == RootKeySource::kKeyFill && element->rotation_serial <= rk.rotation_serial) {
      return RootKeyOutcome::kUnchanged;
    }
  }
  mikey::RootKeyOpenOptions options;
  options.base.now = now;
  options.base.max_skew_seconds = policy.max_skew_seconds;
  options.base.trusted_kms = policy.trusted_kms;
  options.authorised_iwfs = policy.authorised_iwfs;
  options.min_rotation_serial = installed_serial;
  auto opened = mikey::OpenRootKeyIMessage(element->i_message, me, options);
  if (!opened) return Fail(opened.error().Within("lmr-root-key I_MESSAGE"));
  // The signed extension is authoritative; the clear attributes were compared with it above.
  if (opened->info.algid != element->algid || opened->info.kid != element->kid ||
      opened->info.rotation_serial != element->rotation_serial) {
    return Fail(Error::Malformed("lmr-root-key: the clear attributes differ from the message"));
  }
  KB_CHECK(InstallOpenedRootKey(su, extras, *opened));
  return RootKeyOutcome::kInstalled;
}

Status InstallKeyFill(const KeyFill& fill, p25::SubscriberUnit& su, ClientExtras& extras) {
  if (fill.rsi != su.config().individual_rsi) {
    return Fail(Error::WrongRecipient(
        fmt::format("key-fill: the file is for RSI 0x{:06X}, this unit is 0x{:06X}", fill.rsi,
                    su.config().individual_rsi)));
  }
  if (fill.keyset != p25::kKekKeysetId) {
    return su.keys().Put(fill.keyset, fill.algid, fill.kid, fill.sln, fill.key.Clone());
  }
  uint32_t serial = extras.root_key ? extras.root_key->rotation_serial : 0;
  InstalledRootKey record{fill.algid, fill.kid, serial, fill.name, RootKeySource::kKeyFill, {}};
  return PutRootKey(su, extras, fill.algid, fill.kid, fill.key.Clone(), std::move(record));
}

}  // namespace kb::client
