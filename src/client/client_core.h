// TS 23.283 10.12.2 (client end) and TIA-102.AACA 9 (subscriber unit): the LMR security layer
// of an LMR-aware MC client, without transport: a P25 subscriber unit whose state is kept in a
// sealed file (su_state.h), fed with the payloads of received security messages, building the
// unit's own KMMs (Hello: identification or rekey request) and taking root keys from the
// profile or a key-fill file. Thread-safe (one mutex). docs/client.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "client/key_fill_file.h"
#include "client/root_key_install.h"
#include "client/su_state.h"
#include "core/secret.h"
#include "p25/kmm_frame.h"
#include "p25/subscriber_unit.h"

namespace kb::client {

struct ClientCoreConfig {
  std::string mc_id;                 // our MC service ID, also the sealing owner
  std::filesystem::path state_file;  // the sealed SU state
  SecretBytes storage_key;           // 32 octets (kms::LoadStorageKey)
  p25::SubscriberUnitConfig su;      // used on first start; afterwards the stored RSIs win
  p25::MacFormat mac_format = p25::MacFormat::kCmac;  // for the unit's own KMMs
};

// The unit's answer to one inbound KMM.
struct KmmAnswer {
  p25::MessageId command = p25::MessageId::kNull;
  p25::OperationStatus status = p25::OperationStatus::kCommandPerformed;
  std::optional<Bytes> kmm;  // the KMM to send back toward the KMF, if any
};

class ClientCore {
 public:
  // Opens (or creates) the state. Errors: the file cannot be opened with this key/owner.
  static Result<std::unique_ptr<ClientCore>> Open(ClientCoreConfig config);

  // Gives a clear KMM (the 10.12 payload, LMR type P25) to the subscriber unit and saves the
  // new state before returning. Errors: the KMM does not parse or is for another RSI (the unit
  // does not answer those); kIo when the state cannot be saved.
  Result<KmmAnswer> HandleKmm(ByteView kmm);

  // The unit's own Hello to the KMF (TIA-102.AACA 10.3): identification, or rekey request.
  // With a root key it is MAC'd under it (CMAC or CBC-MAC, KID of the root key) and a rekey
  // request says "with UKEK" (0x01); without one it carries no MAC and says 0x02. Takes the
  // next outbound MN and saves it.
  Result<Bytes> BuildHello(bool rekey_request);

  // Root key from the profile (root_key_install.h); saves on kInstalled.
  Result<RootKeyOutcome> ApplyProfile(std::string_view profile_xml,
                                      const mikey::ReceiverIdentity& me,
                                      const RootKeyPolicy& policy, NtpTime now);
  // Root key from a key-fill file; saves.
  Status ImportKeyFill(const KeyFill& fill);

  // The key report (key_report.h): never key values.
  nlohmann::json Report() const;
  const std::string& mc_id() const { return config_.mc_id; }
  uint32_t rsi() const;

 private:
  explicit ClientCore(ClientCoreConfig config, p25::SubscriberUnit su, ClientExtras extras);
  Status SaveLocked();

  ClientCoreConfig config_;
  mutable std::mutex mu_;
  p25::SubscriberUnit su_;
  ClientExtras extras_;
};

}  // namespace kb::client
