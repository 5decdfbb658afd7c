// TIA-102.AACA 5.1 / 13: the client's sealed subscriber-unit state (docs/client.md "Storage").
#include "client/su_state.h"

#include <fmt/format.h>

#include "kms/at_rest.h"
#include "kms/sealed_secrets.h"

namespace kb::client {
namespace {

constexpr uint8_t kStateVersion = 1;
constexpr std::string_view kAadLabel = "keybridge client SU state v1";
constexpr size_t kMaxStateFile = 4 * 1024 * 1024;

Bytes Aad(std::string_view owner) {
  ByteWriter w;
  w.Append(kAadLabel).U8(0).Append(owner);
  return std::move(w).Take();
}

// A value that is meaningful only when its flag is set must be zero otherwise (one encoding).
Status ZeroUnlessFlagged(bool flag, uint32_t value, std::string_view field, size_t at) {
  if (flag || value == 0) return Ok();
  return Fail(Error::Malformed(
      fmt::format("SU state.{} at offset {}: non-zero without its flag", field, at)));
}

Result<bool> Flag(ByteReader& r, std::string_view field) {
  size_t at = r.offset();
  KB_TRY(uint8_t f, r.U8(field));
  if (f > 1) {
    return Fail(
        Error::Malformed(fmt::format("SU state.{} at offset {}: {} (0 or 1)", field, at, f)));
  }
  return f == 1;
}

}  // namespace

const char* RootKeySourceName(RootKeySource s) {
  switch (s) {
    case RootKeySource::kCms:
      return "cms";
    case RootKeySource::kKeyFill:
      return "key-fill";
  }
  return "unknown";
}

Result<SecretBytes> EncodeSuState(const p25::SubscriberUnit& su, const ClientExtras& extras) {
  ByteWriter w(256);
  const auto& c = su.config();
  w.U8(kStateVersion);
  w.U24(c.individual_rsi);
  w.U8(c.group_rsi ? 1 : 0).U24(c.group_rsi.value_or(0));
  w.U24(c.kmf_rsi);
  w.U16(su.window().mnp());
  w.U8(su.window().last() ? 1 : 0).U16(su.window().last().value_or(0));
  w.U16(extras.next_outbound_mn);
  auto active = su.keys().active_tek_keyset();
  w.U8(active ? 1 : 0).U8(active.value_or(0));
  w.U8(extras.root_key ? 1 : 0);
  if (extras.root_key) {
    const InstalledRootKey& rk = *extras.root_key;
    w.U8(rk.algid).U16(rk.kid).U32(rk.rotation_serial).U8(static_cast<uint8_t>(rk.source));
    if (rk.key_name.size() > 255 || rk.iwf_uri.size() > 0xFFFF)
      return Fail(Error::InvalidArgument("SU state: root key name or IWF URI too long"));
    w.U8(static_cast<uint8_t>(rk.key_name.size())).Append(rk.key_name);
    w.U16(static_cast<uint16_t>(rk.iwf_uri.size())).Append(rk.iwf_uri);
  }
  const auto& keysets = su.keys().keysets();
  w.U16(static_cast<uint16_t>(keysets.size()));
  for (const auto& [id, ks] : keysets) {
    if (ks.keys.size() > 0xFFFF) return Fail(Error::InvalidArgument("SU state: keyset too large"));
    w.U8(id).U16(static_cast<uint16_t>(ks.keys.size()));
    for (const auto& [ref, key] : ks.keys) {
      if (key.key.size() > 255) return Fail(Error::InvalidArgument("SU state: key too long"));
      w.U8(key.algid).U16(key.kid).U16(key.sln);
      w.U8(static_cast<uint8_t>(key.key.size())).Append(key.key.Reveal());
    }
  }
  return SecretBytes::Adopt(std::move(w).Take());
}

Result<SuState> DecodeSuState(ByteView plaintext) {
  ByteReader r(plaintext);
  SuState s;
  size_t at = r.offset();
  KB_TRY(uint8_t version, r.U8("SU state.version"));
  if (version != kStateVersion) {
    return Fail(Error::Unsupported(fmt::format(
        "SU state.version at offset {}: {} (this build reads {})", at, version, kStateVersion)));
  }
  KB_TRY(s.config.individual_rsi, r.U24("SU state.individual RSI"));
  KB_TRY(bool has_group, Flag(r, "group RSI flag"));
  at = r.offset();
  KB_TRY(uint32_t group, r.U24("SU state.group RSI"));
  KB_CHECK(ZeroUnlessFlagged(has_group, group, "group RSI", at));
  if (has_group) s.config.group_rsi = group;
  KB_TRY(s.config.kmf_rsi, r.U24("SU state.KMF RSI"));
  KB_TRY(s.config.message_number_period, r.U16("SU state.MNP"));
  KB_TRY(bool has_last, Flag(r, "last MN flag"));
  at = r.offset();
  KB_TRY(uint16_t last, r.U16("SU state.last MN"));
  KB_CHECK(ZeroUnlessFlagged(has_last, last, "last MN", at));
  if (has_last) s.last_mn = last;
  KB_TRY(s.extras.next_outbound_mn, r.U16("SU state.next outbound MN"));
  KB_TRY(bool has_active, Flag(r, "active keyset flag"));
  at = r.offset();
  KB_TRY(uint8_t active, r.U8("SU state.active keyset"));
  KB_CHECK(ZeroUnlessFlagged(has_active, active, "active keyset", at));
  KB_TRY(bool has_root, Flag(r, "root key flag"));
  if (has_root) {
    InstalledRootKey rk;
    KB_TRY(rk.algid, r.U8("SU state.root key ALGID"));
    KB_TRY(rk.kid, r.U16("SU state.root key KID"));
    KB_TRY(rk.rotation_serial, r.U32("SU state.root key rotation serial"));
    at = r.offset();
    KB_TRY(uint8_t source, r.U8("SU state.root key source"));
    if (source != static_cast<uint8_t>(RootKeySource::kCms) &&
        source != static_cast<uint8_t>(RootKeySource::kKeyFill)) {
      return Fail(
          Error::Malformed(fmt::format("SU state.root key source at offset {}: {}", at, source)));
    }
    rk.source = static_cast<RootKeySource>(source);
    KB_TRY(ByteReader name, r.U8Prefixed("SU state.root key name"));
    rk.key_name = std::string(AsString(name.Rest()));
    KB_TRY(ByteReader iwf, r.U16Prefixed("SU state.root key IWF URI"));
    rk.iwf_uri = std::string(AsString(iwf.Rest()));
    s.extras.root_key = std::move(rk);
  }
  // Keysets in increasing ID order, keys in increasing (ALGID, KID) order, keyset 0xFF last:
  // the order EncodeSuState writes, so each state has one encoding.
  KB_TRY(uint16_t nkeysets, r.U16("SU state.keyset count"));
  std::optional<uint8_t> previous_id;
  for (uint16_t i = 0; i < nkeysets; ++i) {
    at = r.offset();
    KB_TRY(uint8_t id, r.U8("SU state.keyset ID"));
    if (previous_id && id <= *previous_id) {
      return Fail(Error::Malformed(
          fmt::format("SU state.keyset ID at offset {}: {} out of order", at, id)));
    }
    previous_id = id;
    s.keys.EnsureKeyset(id);
    KB_TRY(uint16_t nkeys, r.U16("SU state.key count"));
    std::optional<std::pair<uint8_t, uint16_t>> previous_key;
    for (uint16_t k = 0; k < nkeys; ++k) {
      at = r.offset();
      KB_TRY(uint8_t algid, r.U8("SU state.key ALGID"));
      KB_TRY(uint16_t kid, r.U16("SU state.key KID"));
      KB_TRY(uint16_t sln, r.U16("SU state.key SLN"));
      KB_TRY(ByteReader key, r.U8Prefixed("SU state.key"));
      std::pair<uint8_t, uint16_t> ref{algid, kid};
      if (previous_key && ref <= *previous_key) {
        return Fail(Error::Malformed(
            fmt::format("SU state.key at offset {}: duplicate or out of order", at)));
      }
      previous_key = ref;
      if (auto st = s.keys.Put(id, algid, kid, sln, SecretBytes(key.Rest())); !st) {
        return Fail(Error::Malformed(
            fmt::format("SU state.key at offset {}: {}", at, st.error().message())));
      }
    }
  }
  if (previous_id != p25::kKekKeysetId) {
    return Fail(Error::Malformed("SU state: the KEK keyset 0xFF is missing"));
  }
  KB_CHECK(r.ExpectEnd("SU state"));
  if (has_active) {
    if (auto st = s.keys.Activate(active); !st) {
      return Fail(Error::Malformed(
          fmt::format("SU state.active keyset {}: {}", active, st.error().message())));
    }
  }
  return s;
}

p25::SubscriberUnit MakeSubscriberUnit(SuState& state, bool require_mac, bool accept_clear_keys) {
  p25::SubscriberUnitConfig config = state.config;
  config.require_mac = require_mac;
  config.accept_clear_keys = accept_clear_keys;
  p25::SubscriberUnit su(config, std::move(state.keys));
  su.window() = p25::MessageNumberWindow(config.message_number_period, state.last_mn);
  state.keys = p25::KeyStore();
  return su;
}

Status SaveSuState(const std::filesystem::path& path, const SecretBytes& storage_key,
                   std::string_view owner, const p25::SubscriberUnit& su,
                   const ClientExtras& extras) {
  KB_TRY(SecretBytes plain, EncodeSuState(su, extras));
  KB_TRY(Bytes sealed, kms::SealSecrets(storage_key, Aad(owner), plain));
  return kms::WriteFileAtomic(path, sealed, 0600);
}

Result<std::optional<SuState>> LoadSuState(const std::filesystem::path& path,
                                           const SecretBytes& storage_key, std::string_view owner) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::optional<SuState>();
  KB_TRY(Bytes sealed, kms::ReadFileBounded(path, kMaxStateFile));
  auto plain = kms::OpenSealedSecrets(storage_key, Aad(owner), sealed);
  if (!plain) return Fail(plain.error().Within(path.string()));
  auto state = DecodeSuState(plain->Reveal());
  if (!state) return Fail(state.error().Within(path.string()));
  return std::optional<SuState>(std::move(*state));
}

}  // namespace kb::client
