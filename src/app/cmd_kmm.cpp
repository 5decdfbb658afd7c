// keybridge kmm decode: a P25 KMM (TIA-102.AACA 10) as JSON, with its MAC checked and, for an
// encrypted KMM, decrypted first. Wrapped keys are shown by length only, never by value.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/input.h"
#include "app/output.h"
#include "core/encoding.h"
#include "p25/data_crypto.h"
#include "p25/kmm.h"
#include "p25/kmm_mac.h"
#include "p25/message_indicator.h"

namespace kb::app {
namespace {

using nlohmann::json;

std::string H8(unsigned v) { return fmt::format("0x{:02x}", v); }
std::string H16(unsigned v) { return fmt::format("0x{:04x}", v); }
std::string H24(uint32_t v) { return fmt::format("0x{:06x}", v); }
json StatusHex(p25::OperationStatus s) { return H8(static_cast<unsigned>(s)); }

json Decryption(const p25::DecryptionInstruction& d) {
  json j = {{"kek_algid", H8(d.kek_algid)}, {"kek_kid", H16(d.kek_kid)}};
  if (d.mi) j["mi"] = ToHex(*d.mi);
  return j;
}

json Keys(const std::vector<p25::KeyItem>& keys) {
  json out = json::array();
  for (const auto& k : keys) {
    out.push_back({{"key_format", H8(k.key_format)},
                   {"sln", H16(k.sln)},
                   {"kid", H16(k.kid)},
                   {"key_octets", k.key.size()}});
  }
  return out;
}

json Keyset(const p25::KeysetItem& ks) {
  return {{"keyset_format", H8(ks.keyset_format)},
          {"keyset_id", ks.keyset_id},
          {"algid", H8(ks.algid)},
          {"key_length", ks.key_length},
          {"keys", Keys(ks.keys)}};
}

json KeyStatuses(const std::vector<p25::KeyStatus>& items) {
  json out = json::array();
  for (const auto& i : items)
    out.push_back({{"algid", H8(i.algid)}, {"kid", H16(i.kid)}, {"status", StatusHex(i.status)}});
  return out;
}

json Instructions(const std::vector<p25::ChangeoverInstruction>& v) {
  json out = json::array();
  for (const auto& i : v)
    out.push_back({{"superseded_keyset_id", i.superseded_keyset_id},
                   {"activated_keyset_id", i.activated_keyset_id}});
  return out;
}

json Inventory(const p25::InventoryList& list) {
  return std::visit(
      [](const auto& l) -> json {
        using T = std::decay_t<decltype(l)>;
        if constexpr (std::is_same_v<T, p25::KeysetIdList>) {
          return {{"keyset_ids", l.keyset_ids}};
        } else if constexpr (std::is_same_v<T, p25::KeyIdList>) {
          json ks = json::array();
          for (const auto& k : l.keysets) {
            json kids = json::array();
            for (auto kid : k.kids) kids.push_back(H16(kid));
            ks.push_back({{"keyset_id", k.keyset_id}, {"algid", H8(k.algid)}, {"kids", kids}});
          }
          return {{"keysets", ks}};
        } else if constexpr (std::is_same_v<T, p25::ActiveKeyList>) {
          json keys = json::array();
          for (const auto& k : l.keys) {
            keys.push_back({{"keyset_id", k.keyset_id},
                            {"sln", H16(k.sln)},
                            {"algid", H8(k.algid)},
                            {"kid", H16(k.kid)}});
          }
          return {{"inventory_marker", l.inventory_marker}, {"keys", keys}};
        } else if constexpr (std::is_same_v<T, p25::RsiItemList>) {
          json items = json::array();
          for (const auto& i : l.items)
            items.push_back({{"rsi", H24(i.rsi)}, {"message_number", H16(i.message_number)}});
          return {{"items", items}};
        } else if constexpr (std::is_same_v<T, p25::MnpValue>) {
          return {{"message_number_period", l.message_number_period}};
        } else if constexpr (std::is_same_v<T, p25::KmfRsiValue>) {
          return {{"kmf_rsi", H24(l.kmf_rsi)}};
        } else {
          return {{"number_of_items", l.number_of_items}, {"items", ToHex(l.items)}};
        }
      },
      list);
}

json Body(const p25::KmmBody& body) {
  return std::visit(
      [](const auto& b) -> json {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, p25::RekeyCommand>) {
          json ks = json::array();
          for (const auto& k : b.keysets) ks.push_back(Keyset(k));
          return {{"decryption", Decryption(b.decryption)}, {"keysets", ks}};
        } else if constexpr (std::is_same_v<T, p25::ModifyKeyCommand>) {
          return {{"extended_dif", H8(b.extended_dif)}, {"decryption", Decryption(b.decryption)},
                  {"keyset_id", b.keyset_id},           {"algid", H8(b.algid)},
                  {"key_length", b.key_length},         {"keys", Keys(b.keys)}};
        } else if constexpr (std::is_same_v<T, p25::WarmStartCommand>) {
          return {{"decryption", Decryption(b.decryption)},
                  {"key_length", b.key_length},
                  {"algid", H8(b.algid)},
                  {"keys", Keys({})},
                  {"sln", H16(b.key.sln)},
                  {"kid", H16(b.key.kid)},
                  {"key_octets", b.key.key.size()}};
        } else if constexpr (std::is_same_v<T, p25::RekeyAcknowledgment>) {
          return {{"acknowledged_message_id", H8(static_cast<unsigned>(b.acknowledged_message_id))},
                  {"items", KeyStatuses(b.items)}};
        } else if constexpr (std::is_same_v<T, p25::DeleteKeyResponse>) {
          return {{"items", KeyStatuses(b.items)}};
        } else if constexpr (std::is_same_v<T, p25::NegativeAcknowledgment>) {
          return {{"acknowledged_message_id", H8(static_cast<unsigned>(b.acknowledged_message_id))},
                  {"message_number", H16(b.message_number)},
                  {"status", StatusHex(b.status)}};
        } else if constexpr (std::is_same_v<T, p25::Hello>) {
          return {{"flag", H8(b.flag)}};
        } else if constexpr (std::is_same_v<T, p25::InventoryCommand>) {
          json j = {{"inventory_type", H8(static_cast<unsigned>(b.type))}};
          if (b.paging)
            j["paging"] = {{"inventory_marker", b.paging->inventory_marker},
                           {"max_keys", b.paging->max_keys}};
          return j;
        } else if constexpr (std::is_same_v<T, p25::InventoryResponse>) {
          json j = Inventory(b.list);
          j["inventory_type"] = H8(static_cast<unsigned>(b.type));
          return j;
        } else if constexpr (std::is_same_v<T, p25::ChangeRsiCommand>) {
          return {{"change_sequence", H8(b.change_sequence)},
                  {"old_rsi", H24(b.old_rsi)},
                  {"new_rsi", H24(b.new_rsi)},
                  {"message_number", H16(b.message_number)}};
        } else if constexpr (std::is_same_v<T, p25::ChangeRsiResponse>) {
          return {{"change_sequence", H8(b.change_sequence)},
                  {"old_rsi", H24(b.old_rsi)},
                  {"new_rsi", H24(b.new_rsi)},
                  {"status", StatusHex(b.status)}};
        } else if constexpr (std::is_same_v<T, p25::ChangeoverCommand> ||
                             std::is_same_v<T, p25::ChangeoverResponse>) {
          return {{"instructions", Instructions(b.instructions)}};
        } else if constexpr (std::is_same_v<T, p25::DeleteKeyCommand>) {
          json kids = json::array();
          for (auto k : b.kids) kids.push_back(H16(k));
          return {{"keyset_id", b.keyset_id}, {"algid", H8(b.algid)}, {"kids", kids}};
        } else if constexpr (std::is_same_v<T, p25::DeleteKeysetCommand>) {
          return {{"keyset_ids", b.keyset_ids}};
        } else if constexpr (std::is_same_v<T, p25::DeleteKeysetResponse>) {
          json items = json::array();
          for (const auto& i : b.items)
            items.push_back({{"keyset_id", i.keyset_id}, {"status", StatusHex(i.status)}});
          return {{"items", items}};
        } else if constexpr (std::is_same_v<T, p25::RegistrationCommand> ||
                             std::is_same_v<T, p25::DeregistrationCommand>) {
          return {{"body_format", H8(b.body_format)}, {"kmf_rsi", H24(b.kmf_rsi)}};
        } else if constexpr (std::is_same_v<T, p25::RegistrationResponse> ||
                             std::is_same_v<T, p25::DeregistrationResponse>) {
          return {{"status", StatusHex(b.status)}};
        } else if constexpr (std::is_same_v<T, p25::LoadConfigCommand>) {
          return {{"kmf_rsi", H24(b.kmf_rsi)}, {"message_number_period", b.message_number_period}};
        } else if constexpr (std::is_same_v<T, p25::LoadConfigResponse>) {
          return {{"rsi", H24(b.rsi)},
                  {"message_number", H16(b.message_number)},
                  {"status", StatusHex(b.status)}};
        } else if constexpr (std::is_same_v<T, p25::UnableToDecryptResponse>) {
          json j = {{"body_format", H8(b.body_format)},
                    {"algid", H8(b.algid)},
                    {"kid", H16(b.kid)},
                    {"status", StatusHex(b.status)},
                    {"keyset", Keyset(b.keyset)}};
          if (b.instruction) j["decryption"] = Decryption(*b.instruction);
          return j;
        } else if constexpr (std::is_same_v<T, p25::SessionControl>) {
          return {{"version", b.version},
                  {"opcode", b.opcode},
                  {"source_device_type", b.source_device_type}};
        } else {
          return json::object();  // No-Service, Zeroize Command/Response: empty bodies
        }
      },
      body);
}

struct DecodeFlags {
  std::string input, mac_key, key, mi;
};

Status RunDecode(const DecodeFlags& f) {
  Bytes kmm;
  if (!f.input.empty() && f.input != "-" && !std::filesystem::exists(f.input)) {
    KB_TRY(kmm, FromHex(f.input, "KMM hex"));  // the argument is the KMM itself
  } else {
    KB_TRY(std::string text, ReadInput(f.input));
    KB_TRY(kmm, DecodeMessageText(text));
  }
  json out;
  if (!f.key.empty()) {
    if (f.mi.empty())
      return Fail(Error::InvalidArgument("--key needs --mi (the 9-octet message indicator)"));
    KB_TRY(Bytes key, FromHex(f.key, "--key"));
    SecretBytes secret = SecretBytes::Adopt(std::move(key));
    KB_TRY(Bytes mi_octets, FromHex(f.mi, "--mi"));
    KB_TRY(p25::MessageIndicator mi, p25::MessageIndicator::Parse(mi_octets));
    KB_TRY(kmm, p25::DecryptData(secret.Reveal(), mi, kmm));
    out["decrypted"] = true;
  }
  KB_TRY(p25::Kmm decoded, p25::Kmm::Decode(kmm));
  const auto& h = decoded.header;
  out["length"] = kmm.size();
  out["message_id"] = H8(static_cast<unsigned>(h.message_id));
  out["message_name"] = std::string(p25::MessageIdName(h.message_id));
  out["header"] = {
      {"response_kind", static_cast<int>(h.response_kind)},
      {"destination_rsi", H24(h.destination_rsi)},
      {"source_rsi", H24(h.source_rsi)},
      {"message_number", h.message_number ? json(H16(*h.message_number)) : json(nullptr)},
      {"done_bit", h.done_bit}};
  out["body"] = Body(decoded.body);
  if (decoded.mac) {
    out["mac"] = {{"mac", ToHex(decoded.mac->mac)},
                  {"algid", H8(decoded.mac->algid)},
                  {"kid", H16(decoded.mac->kid)},
                  {"format", H8(decoded.mac->format)}};
  } else {
    out["mac"] = nullptr;
  }
  if (!f.mac_key.empty()) {
    KB_TRY(Bytes mk, FromHex(f.mac_key, "--mac-key"));
    SecretBytes mac_key = SecretBytes::Adopt(std::move(mk));
    out["mac_valid"] = p25::VerifyKmmMac(kmm, mac_key).has_value();
  }
  std::printf("%s\n", out.dump(2).c_str());
  if (out.contains("mac_valid") && !out["mac_valid"].get<bool>()) {
    return Fail(Error::CryptoFailure("the KMM's MAC does not verify with --mac-key"));
  }
  return Ok();
}

}  // namespace

void RegisterKmmCommands(CLI::App& app) {
  auto* kmm = app.add_subcommand("kmm", "P25 key management messages (TIA-102.AACA): decode");
  kmm->require_subcommand(1);
  static DecodeFlags f;
  auto* d =
      kmm->add_subcommand("decode", "print a KMM as JSON (header, message, body, MAC trailer)");
  d->add_option("input", f.input, "the KMM as hex, or a file with hex/base64, or - for stdin");
  d->add_option("--mac-key", f.mac_key, "verify the MAC with this key (hex); prints mac_valid");
  d->add_option("--key", f.key, "decrypt an encrypted KMM first with this AES-256 key (hex)");
  d->add_option("--mi", f.mi, "the message indicator (9 octets, hex) for --key");
  d->callback([] { ExitCode() = Report(RunDecode(f)); });
}

}  // namespace kb::app
