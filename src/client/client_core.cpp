// TS 23.283 10.12.2 / TIA-102.AACA 9: the client's LMR security layer (docs/client.md).
#include "client/client_core.h"

#include <fmt/format.h>

#include "client/key_report.h"
#include "p25/algorithm_id.h"
#include "p25/kmm.h"
#include "p25/kmm_mac.h"

namespace kb::client {

ClientCore::ClientCore(ClientCoreConfig config, p25::SubscriberUnit su, ClientExtras extras)
    : config_(std::move(config)), su_(std::move(su)), extras_(std::move(extras)) {}

Result<std::unique_ptr<ClientCore>> ClientCore::Open(ClientCoreConfig config) {
  if (config.storage_key.size() != 32)
    return Fail(Error::InvalidArgument("client: the storage key must be 32 octets"));
  KB_TRY(auto loaded, LoadSuState(config.state_file, config.storage_key, config.mc_id));
  bool require_mac = config.su.require_mac;
  bool accept_clear = config.su.accept_clear_keys;
  std::unique_ptr<ClientCore> core;
  if (loaded) {
    p25::SubscriberUnit su = MakeSubscriberUnit(*loaded, require_mac, accept_clear);
    core.reset(new ClientCore(std::move(config), std::move(su), std::move(loaded->extras)));
  } else {
    p25::SubscriberUnit su(config.su, p25::KeyStore());
    core.reset(new ClientCore(std::move(config), std::move(su), ClientExtras{}));
    std::lock_guard lock(core->mu_);
    KB_CHECK(core->SaveLocked());
  }
  return core;
}

Status ClientCore::SaveLocked() {
  return SaveSuState(config_.state_file, config_.storage_key, config_.mc_id, su_, extras_);
}

uint32_t ClientCore::rsi() const {
  std::lock_guard lock(mu_);
  return su_.config().individual_rsi;
}

Result<KmmAnswer> ClientCore::HandleKmm(ByteView kmm) {
  std::lock_guard lock(mu_);
  auto reaction = su_.Process(kmm);
  if (!reaction) return Fail(reaction.error());
  // The window, the keys or the RSIs may have changed, whatever the outcome.
  KB_CHECK(SaveLocked());
  return KmmAnswer{reaction->command, reaction->status, std::move(reaction->response)};
}

Result<Bytes> ClientCore::BuildHello(bool rekey_request) {
  std::lock_guard lock(mu_);
  const p25::StoredKey* mac_key = nullptr;
  if (extras_.root_key)
    mac_key = su_.keys().FindKek(extras_.root_key->algid, extras_.root_key->kid);
  if (mac_key && mac_key->algid != p25::kAlgidAes256) mac_key = nullptr;  // MACs are AES-256
  p25::Hello hello;
  if (rekey_request)
    hello.flag = mac_key ? p25::Hello::kRekeyRequestWithUkek : p25::Hello::kRekeyRequestNoUkek;
  p25::KmmHeader h;
  h.response_kind = p25::ResponseKind::kImmediate;
  h.destination_rsi = su_.config().kmf_rsi;
  h.source_rsi = su_.config().individual_rsi;
  h.message_number = extras_.next_outbound_mn;
  p25::Kmm kmm{h, hello, std::nullopt};
  Bytes out;
  if (mac_key) {
    KB_TRY(out, p25::EncodeSignedKmm(kmm, config_.mac_format, mac_key->kid, mac_key->key));
  } else {
    KB_TRY(out, kmm.Encode());
  }
  extras_.next_outbound_mn = static_cast<uint16_t>(extras_.next_outbound_mn + 1);
  if (extras_.next_outbound_mn == 0) extras_.next_outbound_mn = 1;
  KB_CHECK(SaveLocked());
  return out;
}

Result<RootKeyOutcome> ClientCore::ApplyProfile(std::string_view profile_xml,
                                                const mikey::ReceiverIdentity& me,
                                                const RootKeyPolicy& policy, NtpTime now) {
  std::lock_guard lock(mu_);
  KB_TRY(RootKeyOutcome o, InstallRootKeyFromProfile(profile_xml, me, policy, now, su_, extras_));
  if (o == RootKeyOutcome::kInstalled) KB_CHECK(SaveLocked());
  return o;
}

Status ClientCore::ImportKeyFill(const KeyFill& fill) {
  std::lock_guard lock(mu_);
  KB_CHECK(InstallKeyFill(fill, su_, extras_));
  return SaveLocked();
}

nlohmann::json ClientCore::Report() const {
  std::lock_guard lock(mu_);
  nlohmann::json j = DescribeKeyStore(su_, extras_);
  j["mc_id"] = config_.mc_id;
  return j;
}

}  // namespace kb::client
