// TIA-102.AACA 9 / 13 subscriber-unit (radio) side of OTAR: checks the MAC and message number of
// every KMM the KMF sends, performs the command on its key store and builds the response KMM,
// including each negative case (NAK 0x04 bad MAC, 0x07 MN outside the window, 0x06 unknown KEK,
// 0x03 unsupported message; per-key 0x09 unknown ALGID, 0x02 missing key). No I/O, no clock,
// no randomness: state lives in the object, the response MI of an encrypted reply is passed in.
#pragma once

#include <cstdint>
#include <optional>

#include "core/bytes.h"
#include "p25/auxiliary_encryption_header.h"
#include "p25/key_store.h"
#include "p25/kmm.h"
#include "p25/message_number_window.h"
#include "p25/operation_status.h"

namespace kb::p25 {

inline constexpr uint32_t kDefaultKmfRsi = 9999999;  // 0x98967F
inline constexpr uint32_t kBroadcastRsi = 0xFFFFFF;

struct SubscriberUnitConfig {
  uint32_t individual_rsi = 0;
  std::optional<uint32_t> group_rsi;
  uint32_t kmf_rsi = kDefaultKmfRsi;
  uint16_t message_number_period = MessageNumberWindow::kCheckDisabled;
  // Refuse (NAK 0x04) commands that carry no MAC.
  bool require_mac = true;
  // Accept keys in the clear (KEK ALGID 0x80), as a keyloader sends them; off for OTAR.
  bool accept_clear_keys = false;
};

// What the radio does with one inbound KMM.
struct SuReaction {
  std::optional<Bytes> response;  // the KMM to send back, if any
  MessageId command = MessageId::kNull;
  // The outcome: kCommandPerformed, or the NAK / first failing item status.
  OperationStatus status = OperationStatus::kCommandPerformed;
};

class SubscriberUnit {
 public:
  SubscriberUnit(SubscriberUnitConfig config, KeyStore keys);

  // Processes a clear KMM (SAP 0x28). Errors (no response possible): kMalformed/kTruncated
  // for a frame that does not parse, kWrongRecipient for another destination RSI.
  Result<SuReaction> Process(ByteView kmm);

  // Processes an encrypted KMM (SAP 0x29: auxiliary header + ciphertext). The response is
  // encrypted under the same key with response_mi. An unknown key or an all-zero MI is answered
  // with a clear Unable-to-Decrypt Response (status 0x06 / 0x0C).
  Result<SuReaction> ProcessEncrypted(ByteView user_data, const MiOctets& response_mi);

  const KeyStore& keys() const { return keys_; }
  KeyStore& keys() { return keys_; }
  const SubscriberUnitConfig& config() const { return config_; }
  const MessageNumberWindow& window() const { return window_; }
  MessageNumberWindow& window() { return window_; }

 private:
  struct Context;
  Result<SuReaction> Handle(Context& ctx);
  Result<SuReaction> Respond(const Context& ctx, KmmBody body, OperationStatus status);
  Result<SuReaction> Nak(const Context& ctx, OperationStatus status);
  Result<SuReaction> UnableToDecrypt(const AuxiliaryEncryptionHeader& h, OperationStatus status);

  Result<SuReaction> OnRekey(const Context& ctx, const RekeyCommand& c);
  Result<SuReaction> OnModifyKey(const Context& ctx, const ModifyKeyCommand& c);
  Result<SuReaction> OnWarmStart(const Context& ctx, const WarmStartCommand& c);
  Result<SuReaction> OnChangeover(const Context& ctx, const ChangeoverCommand& c);
  Result<SuReaction> OnZeroize(const Context& ctx);
  Result<SuReaction> OnInventory(const Context& ctx, const InventoryCommand& c);
  Result<SuReaction> OnChangeRsi(const Context& ctx, const ChangeRsiCommand& c);
  Result<SuReaction> OnRegistration(const Context& ctx, const RegistrationCommand& c);
  Result<SuReaction> OnDeleteKey(const Context& ctx, const DeleteKeyCommand& c);
  Result<SuReaction> OnDeleteKeyset(const Context& ctx, const DeleteKeysetCommand& c);
  Result<SuReaction> OnLoadConfig(const Context& ctx, const LoadConfigCommand& c);

  // Stores one key item (unwrapped under kek, or clear when kek is null); returns its status.
  OperationStatus StoreKey(uint8_t keyset_id, uint8_t algid, const KeyItem& item,
                           const SecretBytes* kek);

  SubscriberUnitConfig config_;
  KeyStore keys_;
  MessageNumberWindow window_;
};

}  // namespace kb::p25
