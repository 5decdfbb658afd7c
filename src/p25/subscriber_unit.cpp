// TIA-102.AACA 9 / 13 subscriber-unit processing of KMF commands.
#include "p25/subscriber_unit.h"

#include <fmt/format.h>

#include <algorithm>

#include "p25/algorithm_id.h"
#include "p25/encrypted_kmm.h"
#include "p25/key_wrap.h"
#include "p25/kmm_mac.h"

namespace kb::p25 {

// What the checks learnt about the inbound KMM; responses reuse its MAC key and MN.
struct SubscriberUnit::Context {
  KmmFrame frame;
  std::optional<SecretBytes> mac_key;  // the verified MAC key; responses are MAC'd with it
  uint16_t mac_kid = 0;
  MacFormat mac_format = MacFormat::kCmac;
};

SubscriberUnit::SubscriberUnit(SubscriberUnitConfig config, KeyStore keys)
    : config_(config), keys_(std::move(keys)), window_(config.message_number_period) {}

Result<SuReaction> SubscriberUnit::Respond(const Context& ctx, KmmBody body,
                                           OperationStatus status) {
  KmmHeader h;
  h.response_kind = ResponseKind::kNone;
  h.destination_rsi = ctx.frame.header.source_rsi;
  h.source_rsi = ctx.frame.header.destination_rsi == kBroadcastRsi
                     ? config_.individual_rsi
                     : ctx.frame.header.destination_rsi;
  h.message_number = ctx.frame.header.message_number;
  SuReaction r;
  r.command = ctx.frame.header.message_id;
  r.status = status;
  if (ctx.mac_key) {
    KB_TRY(r.response, EncodeSignedKmm(Kmm{h, std::move(body), std::nullopt}, ctx.mac_format,
                                       ctx.mac_kid, *ctx.mac_key));
  } else {
    KB_TRY(r.response, EncodeKmm(h, body, std::nullopt));
  }
  return r;
}

Result<SuReaction> SubscriberUnit::Nak(const Context& ctx, OperationStatus status) {
  NegativeAcknowledgment n{ctx.frame.header.message_id, ctx.frame.header.message_number.value_or(0),
                           status};
  return Respond(ctx, n, status);
}

Result<SuReaction> SubscriberUnit::Process(ByteView kmm) {
  Context ctx;
  KB_TRY(ctx.frame, DecodeKmmFrame(kmm));
  const KmmHeader& h = ctx.frame.header;
  bool mine = h.destination_rsi == config_.individual_rsi ||
              (config_.group_rsi && h.destination_rsi == *config_.group_rsi) ||
              h.destination_rsi == kBroadcastRsi;
  if (!mine) {
    return Fail(Error::WrongRecipient(fmt::format("KMM for RSI 0x{:06X}, this radio is 0x{:06X}",
                                                  h.destination_rsi, config_.individual_rsi)));
  }

  // 1. Authentication: the MAC named by the trailer.
  if (ctx.frame.mac) {
    const MacTrailer& t = *ctx.frame.mac;
    if (t.mac.size() != kEnhancedMacSize || t.algid != kAlgidAes256) {
      return Nak(ctx, OperationStatus::kInvalidAlgorithmId);
    }
    if (t.format != static_cast<uint8_t>(MacFormat::kCbcMac) &&
        t.format != static_cast<uint8_t>(MacFormat::kCmac)) {
      return Nak(ctx, OperationStatus::kInvalidMac);
    }
    const StoredKey* k = keys_.FindAnywhere(t.algid, t.kid);
    if (!k) return Nak(ctx, OperationStatus::kInvalidKeyId);
    if (!VerifyKmmMac(kmm, k->key)) return Nak(ctx, OperationStatus::kInvalidMac);
    ctx.mac_key = k->key.Clone();
    ctx.mac_kid = t.kid;
    ctx.mac_format = static_cast<MacFormat>(t.format);
  } else if (config_.require_mac) {
    return Nak(ctx, OperationStatus::kInvalidMac);
  }

  // 2. Replay window. An authentic KMM in the window is consumed whatever its outcome.
  if (h.message_number) {
    if (!window_.Acceptable(*h.message_number)) {
      return Nak(ctx, OperationStatus::kInvalidMessageNumber);
    }
    window_.Reset(*h.message_number);
  } else if (window_.mnp() != MessageNumberWindow::kCheckDisabled) {
    return Nak(ctx, OperationStatus::kInvalidMessageNumber);
  }

  return Handle(ctx);
}

Result<SuReaction> SubscriberUnit::Handle(Context& ctx) {
  MessageId id = ctx.frame.header.message_id;
  if (!IsKnownMessageId(id)) return Nak(ctx, OperationStatus::kInvalidMessageId);
  auto body = DecodeKmmBody(ctx.frame);
  if (!body) return Nak(ctx, OperationStatus::kCommandNotPerformed);

  SuReaction silent{std::nullopt, id, OperationStatus::kCommandPerformed};
  return std::visit(
      [&](const auto& b) -> Result<SuReaction> {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, RekeyCommand>) {
          return OnRekey(ctx, b);
        } else if constexpr (std::is_same_v<T, ModifyKeyCommand>) {
          return OnModifyKey(ctx, b);
        } else if constexpr (std::is_same_v<T, WarmStartCommand>) {
          return OnWarmStart(ctx, b);
        } else if constexpr (std::is_same_v<T, ChangeoverCommand>) {
          return OnChangeover(ctx, b);
        } else if constexpr (std::is_same_v<T, ZeroizeCommand>) {
          return OnZeroize(ctx);
        } else if constexpr (std::is_same_v<T, InventoryCommand>) {
          return OnInventory(ctx, b);
        } else if constexpr (std::is_same_v<T, ChangeRsiCommand>) {
          return OnChangeRsi(ctx, b);
        } else if constexpr (std::is_same_v<T, RegistrationCommand>) {
          return OnRegistration(ctx, b);
        } else if constexpr (std::is_same_v<T, DeleteKeyCommand>) {
          return OnDeleteKey(ctx, b);
        } else if constexpr (std::is_same_v<T, DeleteKeysetCommand>) {
          return OnDeleteKeyset(ctx, b);
        } else if constexpr (std::is_same_v<T, LoadConfigCommand>) {
          return OnLoadConfig(ctx, b);
        } else if constexpr (std::is_same_v<T, NoService> ||
                             std::is_same_v<T, NegativeAcknowledgment> ||
                             std::is_same_v<T, DeregistrationResponse>) {
          return silent;  // KMF answers to the radio's own requests: nothing to send
        } else {
          return Nak(ctx, OperationStatus::kInvalidMessageId);  // not a KMF -> SU command
        }
      },
      *body);
}

OperationStatus SubscriberUnit::StoreKey(uint8_t keyset_id, uint8_t algid, const KeyItem& item,
                                         const SecretBytes* kek) {
  uint8_t target = item.IsKek() ? kKekKeysetId : keyset_id;
  if (item.IsErase()) {
    return keys_.Erase(target, algid, item.kid) ? OperationStatus::kCommandPerformed
                                                : OperationStatus::kItemDoesNotExist;
  }
  size_t length = KeyLengthOf(algid);
  if (length == 0) return OperationStatus::kInvalidAlgorithmId;
  SecretBytes key;
  if (kek) {
    if (item.key.size() != WrappedLength(length)) return OperationStatus::kKeyFail;
    auto unwrapped = UnwrapKey(*kek, item.key.Reveal());
    if (!unwrapped) return OperationStatus::kCouldNotDecrypt;
    key = std::move(*unwrapped);
  } else {
    key = item.key.Clone();
  }
  if (!keys_.Put(target, algid, item.kid, item.sln, std::move(key))) {
    return OperationStatus::kKeyFail;
  }
  return OperationStatus::kCommandPerformed;
}

namespace {

OperationStatus Overall(const std::vector<KeyStatus>& items) {
  for (const KeyStatus& s : items) {
    if (s.status != OperationStatus::kCommandPerformed) return s.status;
  }
  return OperationStatus::kCommandPerformed;
}

}  // namespace

Result<SuReaction> SubscriberUnit::OnRekey(const Context& ctx, const RekeyCommand& c) {
  if (c.decryption.mi) return Nak(ctx, OperationStatus::kCommandNotPerformed);  // legacy DIF
  if (KeyLengthOf(c.decryption.kek_algid) == 0 || c.decryption.kek_algid == kAlgidAdp ||
      c.decryption.kek_algid == kAlgidDesOfb) {
    return Nak(ctx, OperationStatus::kInvalidAlgorithmId);
  }
  const StoredKey* kek = keys_.FindKek(c.decryption.kek_algid, c.decryption.kek_kid);
  if (!kek) return Nak(ctx, OperationStatus::kCouldNotDecrypt);
  SecretBytes kek_copy = kek->key.Clone();  // StoreKey may replace the KEK itself
  RekeyAcknowledgment ack{MessageId::kRekeyCommand, {}};
  for (const KeysetItem& ks : c.keysets) {
    uint8_t keyset = (ks.keyset_format & 0x80) ? kKekKeysetId : ks.keyset_id;
    for (const KeyItem& item : ks.keys) {
      ack.items.push_back({ks.algid, item.kid, StoreKey(keyset, ks.algid, item, &kek_copy)});
    }
  }
  OperationStatus st = Overall(ack.items);
  return Respond(ctx, std::move(ack), st);
}

Result<SuReaction> SubscriberUnit::OnModifyKey(const Context& ctx, const ModifyKeyCommand& c) {
  if (c.decryption.mi) return Nak(ctx, OperationStatus::kCommandNotPerformed);
  SecretBytes kek_copy;
  const SecretBytes* kek = nullptr;
  if (c.decryption.kek_algid == kAlgidClear) {
    if (!config_.accept_clear_keys) return Nak(ctx, OperationStatus::kCommandNotPerformed);
  } else {
    const StoredKey* k = keys_.FindKek(c.decryption.kek_algid, c.decryption.kek_kid);
    if (!k) return Nak(ctx, OperationStatus::kCouldNotDecrypt);
    kek_copy = k->key.Clone();
    kek = &kek_copy;
  }
  RekeyAcknowledgment ack{MessageId::kModifyKeyCommand, {}};
  for (const KeyItem& item : c.keys) {
    ack.items.push_back({c.algid, item.kid, StoreKey(c.keyset_id, c.algid, item, kek)});
  }
  OperationStatus st = Overall(ack.items);
  return Respond(ctx, std::move(ack), st);
}

Result<SuReaction> SubscriberUnit::OnWarmStart(const Context& ctx, const WarmStartCommand& c) {
  if (c.decryption.mi) return Nak(ctx, OperationStatus::kCommandNotPerformed);
  const StoredKey* k = keys_.FindKek(c.decryption.kek_algid, c.decryption.kek_kid);
  if (!k) return Nak(ctx, OperationStatus::kCouldNotDecrypt);
  SecretBytes kek = k->key.Clone();
  uint8_t keyset = keys_.active_tek_keyset().value_or(1);
  bool activate = !keys_.active_tek_keyset();
  RekeyAcknowledgment ack{MessageId::kWarmStartCommand, {}};
  ack.items.push_back({c.algid, c.key.kid, StoreKey(keyset, c.algid, c.key, &kek)});
  if (activate && ack.items[0].status == OperationStatus::kCommandPerformed) {
    (void)keys_.Activate(keyset);
  }
  OperationStatus st = Overall(ack.items);
  return Respond(ctx, std::move(ack), st);
}

Result<SuReaction> SubscriberUnit::OnChangeover(const Context& ctx, const ChangeoverCommand& c) {
  ChangeoverResponse resp;
  for (const ChangeoverInstruction& i : c.instructions) {
    if (keys_.Activate(i.activated_keyset_id)) resp.instructions.push_back(i);
  }
  if (resp.instructions.empty() && !c.instructions.empty()) {
    return Nak(ctx, OperationStatus::kItemDoesNotExist);
  }
  OperationStatus st = resp.instructions.size() == c.instructions.size()
                           ? OperationStatus::kCommandPerformed
                           : OperationStatus::kItemDoesNotExist;
  return Respond(ctx, std::move(resp), st);
}

Result<SuReaction> SubscriberUnit::OnZeroize(const Context& ctx) {
  // The response is MAC'd with the key held before the erasure (ctx keeps a copy).
  keys_.Zeroize();
  return Respond(ctx, ZeroizeResponse{}, OperationStatus::kCommandPerformed);
}

Result<SuReaction> SubscriberUnit::OnInventory(const Context& ctx, const InventoryCommand& c) {
  InventoryResponse resp{c.type, {}};
  switch (c.type) {
    case InventoryType::kListActiveKeysetIds:
    case InventoryType::kListInactiveKeysetIds: {
      bool active = c.type == InventoryType::kListActiveKeysetIds;
      KeysetIdList l;
      for (const auto& [id, ks] : keys_.keysets()) {
        if (keys_.IsActive(id) == active) l.keyset_ids.push_back(id);
      }
      resp.list = std::move(l);
      break;
    }
    case InventoryType::kListActiveKeyIds:
    case InventoryType::kListInactiveKeyIds: {
      bool active = c.type == InventoryType::kListActiveKeyIds;
      KeyIdList l;
      for (const auto& [id, ks] : keys_.keysets()) {
        if (keys_.IsActive(id) != active) continue;
        std::map<uint8_t, KeysetKeyIds> by_algid;
        for (const auto& [name, key] : ks.keys) {
          KeysetKeyIds& group = by_algid[key.algid];
          group.keyset_id = id;
          group.algid = key.algid;
          group.kids.push_back(key.kid);
        }
        for (auto& [algid, group] : by_algid) {
          // A group holds at most 255 KIDs on the wire; a keyset holds at most 128 keys.
          l.keysets.push_back(std::move(group));
        }
      }
      resp.list = std::move(l);
      break;
    }
    case InventoryType::kListActiveKeys: {
      ActiveKeyList l;
      size_t start = c.paging ? c.paging->inventory_marker : 0;
      size_t max = c.paging && c.paging->max_keys != 0 ? c.paging->max_keys : SIZE_MAX;
      size_t index = 0;
      for (const auto& [id, ks] : keys_.keysets()) {
        if (!keys_.IsActive(id)) continue;
        for (const auto& [name, key] : ks.keys) {
          if (index >= start && l.keys.size() < max) {
            l.keys.push_back({id, key.sln, key.algid, key.kid});
          } else if (index >= start && l.inventory_marker == 0) {
            l.inventory_marker = static_cast<uint32_t>(index);  // where the next page starts
          }
          ++index;
        }
      }
      resp.list = std::move(l);
      break;
    }
    case InventoryType::kListRsiItems:
      resp.list = RsiItemList{{{config_.kmf_rsi, window_.last().value_or(0)}}};
      break;
    case InventoryType::kListMnp:
      resp.list = MnpValue{window_.mnp()};
      break;
    case InventoryType::kListKmfRsi:
      resp.list = KmfRsiValue{config_.kmf_rsi};
      break;
    default:
      return Nak(ctx, OperationStatus::kCommandNotPerformed);
  }
  return Respond(ctx, std::move(resp), OperationStatus::kCommandPerformed);
}

Result<SuReaction> SubscriberUnit::OnChangeRsi(const Context& ctx, const ChangeRsiCommand& c) {
  ChangeRsiResponse resp{c.change_sequence, c.old_rsi, c.new_rsi,
                         OperationStatus::kCommandPerformed};
  if (c.new_rsi > 0xFFFFFF || c.new_rsi == kBroadcastRsi) {
    resp.status = OperationStatus::kCommandNotPerformed;
  } else if (c.old_rsi == config_.individual_rsi) {
    config_.individual_rsi = c.new_rsi;
  } else if (config_.group_rsi && c.old_rsi == *config_.group_rsi) {
    config_.group_rsi = c.new_rsi;
  } else if (c.old_rsi == config_.kmf_rsi) {
    config_.kmf_rsi = c.new_rsi;
  } else {
    resp.status = OperationStatus::kItemDoesNotExist;
  }
  if (resp.status == OperationStatus::kCommandPerformed) window_.Reset(c.message_number);
  OperationStatus st = resp.status;
  return Respond(ctx, resp, st);
}

Result<SuReaction> SubscriberUnit::OnRegistration(const Context& ctx,
                                                  const RegistrationCommand& c) {
  config_.kmf_rsi = c.kmf_rsi;
  return Respond(ctx, RegistrationResponse{OperationStatus::kCommandPerformed},
                 OperationStatus::kCommandPerformed);
}

Result<SuReaction> SubscriberUnit::OnDeleteKey(const Context& ctx, const DeleteKeyCommand& c) {
  DeleteKeyResponse resp;
  for (uint16_t kid : c.kids) {
    bool erased = keys_.Erase(c.keyset_id, c.algid, kid);
    resp.items.push_back(
        {c.algid, kid,
         erased ? OperationStatus::kCommandPerformed : OperationStatus::kItemDoesNotExist});
  }
  OperationStatus st = Overall(resp.items);
  return Respond(ctx, std::move(resp), st);
}

Result<SuReaction> SubscriberUnit::OnDeleteKeyset(const Context& ctx,
                                                  const DeleteKeysetCommand& c) {
  DeleteKeysetResponse resp;
  OperationStatus st = OperationStatus::kCommandPerformed;
  for (uint8_t id : c.keyset_ids) {
    bool erased = keys_.EraseKeyset(id);
    OperationStatus s =
        erased ? OperationStatus::kCommandPerformed : OperationStatus::kItemDoesNotExist;
    if (s != OperationStatus::kCommandPerformed && st == OperationStatus::kCommandPerformed) {
      st = s;
    }
    resp.items.push_back({id, s});
  }
  return Respond(ctx, std::move(resp), st);
}

Result<SuReaction> SubscriberUnit::OnLoadConfig(const Context& ctx, const LoadConfigCommand& c) {
  config_.kmf_rsi = c.kmf_rsi;
  config_.message_number_period = c.message_number_period;
  window_.set_mnp(c.message_number_period);
  LoadConfigResponse resp{config_.individual_rsi, window_.last().value_or(0),
                          OperationStatus::kCommandPerformed};
  return Respond(ctx, resp, OperationStatus::kCommandPerformed);
}

Result<SuReaction> SubscriberUnit::UnableToDecrypt(const AuxiliaryEncryptionHeader& h,
                                                   OperationStatus status) {
  UnableToDecryptResponse u;
  u.algid = h.algid;
  u.kid = h.kid;
  u.status = status;
  u.keyset = KeysetItem{0x00, 0x00, h.algid, 0, {}};
  KmmHeader hdr;
  hdr.response_kind = ResponseKind::kNone;
  hdr.destination_rsi = config_.kmf_rsi;
  hdr.source_rsi = config_.individual_rsi;
  SuReaction r;
  r.command = MessageId::kNull;  // the command could not be read
  r.status = status;
  KB_TRY(r.response, EncodeKmm(hdr, std::move(u), std::nullopt));
  return r;
}

Result<SuReaction> SubscriberUnit::ProcessEncrypted(ByteView user_data,
                                                    const MiOctets& response_mi) {
  KB_TRY(EncryptedKmm enc, DecodeEncryptedKmm(user_data));
  const AuxiliaryEncryptionHeader& h = enc.header;
  if (h.algid != kAlgidAes256) return UnableToDecrypt(h, OperationStatus::kInvalidAlgorithmId);
  if (MiIsAllZeros(h.mi)) return UnableToDecrypt(h, OperationStatus::kMiAllZeros);
  const StoredKey* k = keys_.FindAnywhere(h.algid, h.kid);
  if (!k) return UnableToDecrypt(h, OperationStatus::kCouldNotDecrypt);
  SecretBytes key = k->key.Clone();  // the command may erase or replace it
  KB_TRY(Bytes kmm, DecryptKmm(key, enc));
  KB_TRY(SuReaction r, Process(kmm));
  if (r.response) {
    AuxiliaryEncryptionHeader out{response_mi, h.algid, h.kid, h.inner_sap, 0};
    KB_TRY(r.response, EncryptKmm(key, out, *r.response));
  }
  return r;
}

}  // namespace kb::p25
