// JSON views of MIKEY-SAKKE I_MESSAGEs (TS 33.180 Annex E).
#include "app/mikey_json.h"

#include <fmt/format.h>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "crypto/kdf.h"
#include "mikey/protected_payload.h"

namespace kb::app {
namespace {

using nlohmann::json;

std::string Hex32(uint32_t v) { return fmt::format("{:08x}", v); }

// An IDR value: text when it is a URI, hex otherwise.
json IdValue(const mikey::IdrPayload& idr) {
  if (idr.id_type == static_cast<uint8_t>(mikey::IdType::kUri) && idr.id.size() != 32) {
    return std::string(AsString(idr.id));
  }
  return ToHex(idr.id);
}

json DescribeCs(const std::vector<mikey::GenericIdEntry>& cs) {
  json out = json::array();
  for (const auto& e : cs) {
    out.push_back({{"cs_id", e.cs_id},
                   {"prot_type", e.prot_type},
                   {"s", e.s},
                   {"policies", e.policies},
                   {"session_data", ToHex(e.session_data)},
                   {"spi", ToHex(e.spi)}});
  }
  return out;
}

json DescribeSp(const mikey::SecurityPolicyPayload& sp) {
  json params = json::array();
  for (const auto& p : sp.params) params.push_back({{"type", p.type}, {"value", ToHex(p.value)}});
  return {{"policy_no", sp.policy_no}, {"prot_type", sp.prot_type}, {"params", params}};
}

json DescribeSakke(const mikey::SakkePayload& s) {
  return {{"params", s.params},
          {"id_scheme", s.id_scheme},
          {"length", s.data.size()},
          {"data", ToHex(s.data)}};
}

}  // namespace

const char* KeyTypeName(uint8_t tag) {
  static const char* kNames[] = {"GMK", "PCK", "CSK", "SPK", "MKFC", "MSCCK", "MuSiK"};
  if (tag == mikey::kLmrRootKeyPurposeTag) return "LMR root key (keybridge extension)";
  return tag < 7 ? kNames[tag] : "unassigned";
}

std::string KeyFingerprint(const SecretBytes& key) {
  auto digest = crypto::Sha256(key.Reveal());
  return ToHex(ByteView(digest).first(8));
}

json DescribeKeyParameters(const mikey::KeyParameters& kp) {
  json groups = json::array();
  for (const auto& g : kp.group_ids) groups.push_back(g.id);
  return {{"key_type", KeyTypeName(kp.key_type)},
          {"status", kp.status},
          {"not_revoked", (kp.status & mikey::kKeyStatusNotRevoked) != 0},
          {"shared_with_security_gateway",
           (kp.status & mikey::kKeyStatusSharedWithSecurityGateway) != 0},
          {"activation_time", kp.activation_time},
          {"expiry_time", kp.expiry_time},
          {"text", kp.text},
          {"mc_group_ids", groups}};
}

json DescribeIMessage(const mikey::IMessage& m, size_t encoded_size) {
  const auto& h = m.hdr;
  json payloads = json::array();
  payloads.push_back({{"payload", "HDR"},
                      {"version", h.version},
                      {"data_type", h.data_type},
                      {"v", h.v},
                      {"prf_func", h.prf_func},
                      {"csb_id", Hex32(h.csb_id)},
                      {"purpose_tag", KeyTypeName(static_cast<uint8_t>(h.csb_id >> 28))},
                      {"cs_id_map_type", static_cast<int>(h.map_type)},
                      {"cs", DescribeCs(h.cs)}});
  for (const auto& p : m.payloads) {
    json j;
    if (const auto* t = std::get_if<mikey::TimestampPayload>(&p)) {
      j = {{"payload", "T"},
           {"ts_type", t->ts_type},
           {"ts_value", fmt::format("{:016x}", t->ts_value)}};
      if (t->ts_type == static_cast<uint8_t>(mikey::TsType::kNtpUtc)) {
        j["time"] = NtpTime(t->ts_value).ToIso8601();
      }
    } else if (const auto* r = std::get_if<mikey::RandPayload>(&p)) {
      j = {{"payload", "RAND"}, {"rand", ToHex(r->rand)}};
    } else if (const auto* idr = std::get_if<mikey::IdrPayload>(&p)) {
      j = {{"payload", "IDR"},
           {"role", idr->role},
           {"role_name", std::string(mikey::IdRoleName(idr->role))},
           {"id_type", idr->id_type},
           {"id", IdValue(*idr)}};
    } else if (const auto* sp = std::get_if<mikey::SecurityPolicyPayload>(&p)) {
      j = DescribeSp(*sp);
      j["payload"] = "SP";
    } else if (const auto* s = std::get_if<mikey::SakkePayload>(&p)) {
      j = DescribeSakke(*s);
      j["payload"] = "SAKKE";
    } else if (const auto* g = std::get_if<mikey::GeneralExtension>(&p)) {
      j = {{"payload", "General Extension"}, {"type", g->type}, {"length", g->data.size()}};
      if (g->type == static_cast<uint8_t>(mikey::GeneralExtensionType::kSakkeToSelf)) {
        j["name"] = "SAKKE-to-self";
        ByteReader ext(g->data);
        uint8_t next = 0;
        auto inner = mikey::SakkePayload::Decode(ext, next);
        if (inner) j["sakke"] = DescribeSakke(*inner);
      } else if (g->type == static_cast<uint8_t>(mikey::GeneralExtensionType::kKeyParameters)) {
        j["name"] = "3GPP key parameters (encrypted under the distributed key)";
        ByteReader ext(g->data);
        if (auto pp = mikey::ProtectedPayload::Decode(ext)) {
          j["protected_payload"] = {
              {"message_type", pp->message_type}, {"payload_id", pp->payload_id},
              {"algorithm", pp->algorithm},       {"iv", ToHex(pp->iv)},
              {"dppk_id", Hex32(pp->dppk_id)},    {"sealed_length", pp->sealed.size()}};
        }
      } else if (g->type == mikey::kLmrRootKeyExtensionType) {
        j["name"] = "LMR root key (keybridge extension, not TS 33.180)";
        if (auto e = mikey::LmrRootKeyExtension::Decode(g->data)) {
          j["lmr_root_key"] = {{"version", e->version},
                               {"lmr_type", mikey::LmrTypeName(e->info.lmr_type)},
                               {"key_kind", mikey::RootKeyKindName(e->info.key_kind)},
                               {"algid", fmt::format("0x{:02X}", e->info.algid)},
                               {"kid", fmt::format("0x{:04X}", e->info.kid)},
                               {"rotation_serial", e->info.rotation_serial},
                               {"key_name", e->info.key_name},
                               {"wrap", mikey::RootKeyWrapName(e->wrap)},
                               {"wrapped_length", e->wrapped.size()}};
        }
      } else {
        j["data"] = ToHex(g->data);
      }
    } else if (const auto* sg = std::get_if<mikey::SignPayload>(&p)) {
      j = {{"payload", "SIGN"},
           {"s_type", sg->s_type},
           {"length", sg->signature.size()},
           {"signature", ToHex(sg->signature)}};
    }
    payloads.push_back(std::move(j));
  }
  return {{"length", encoded_size}, {"signed_length", m.signed_length}, {"payloads", payloads}};
}

json DescribeOpenedRootKey(const mikey::OpenedRootKey& o, bool include_key) {
  json j = {{"verified", true},
            {"key_type", "LMR root key (keybridge extension)"},
            {"csb_id", Hex32(o.csb_id)},
            {"timestamp", o.timestamp.ToIso8601()},
            {"key_period", o.key_period_number},
            {"initiator", o.iwf_uri},
            {"lmr_type", mikey::LmrTypeName(o.info.lmr_type)},
            {"key_kind", mikey::RootKeyKindName(o.info.key_kind)},
            {"algid", fmt::format("0x{:02X}", o.info.algid)},
            {"kid", fmt::format("0x{:04X}", o.info.kid)},
            {"key_name", o.info.key_name},
            {"rotation_serial", o.info.rotation_serial}};
  if (include_key) {
    j["root_key"] = ToHex(o.root_key.Reveal());
  } else {
    j["root_key_fingerprint"] = KeyFingerprint(o.root_key);
  }
  return j;
}

json DescribeOpened(const mikey::OpenedIMessage& o, bool include_key) {
  json j = {{"verified", true},
            {"key_type", KeyTypeName(static_cast<uint8_t>(o.key_type))},
            {"key_id", Hex32(o.key_id)},
            {"csb_id", Hex32(o.csb_id)},
            {"rand", ToHex(o.rand)},
            {"timestamp", o.timestamp.ToIso8601()},
            {"key_period", o.key_period_number},
            {"initiator", o.initiator_uri.empty() ? json(nullptr) : json(o.initiator_uri)},
            {"initiator_uid", ToHex(o.initiator_uid)},
            {"responder", o.responder_uri.empty() ? json(nullptr) : json(o.responder_uri)},
            {"responder_uid", ToHex(o.responder_uid)},
            {"prf_func", o.prf_func},
            {"cs", DescribeCs(o.cs)},
            {"key_parameters",
             o.key_parameters ? DescribeKeyParameters(*o.key_parameters) : json(nullptr)}};
  if (include_key) {
    j["key"] = ToHex(o.key.Reveal());
    // SRTP master key and salt (TS 33.180 7.4): the CS-ID of the first CS entry, else 0.
    uint8_t cs_id = o.cs.empty() ? 0 : o.cs.front().cs_id;
    auto func = static_cast<crypto::MikeyPrfFunc>(o.prf_func);
    SecretBytes mk = crypto::MikeyDerive(func, o.key.Reveal(), crypto::kMikeyTekConst, cs_id,
                                         o.csb_id, o.rand, 16);
    SecretBytes ms = crypto::MikeyDerive(func, o.key.Reveal(), crypto::kMikeySaltConst, cs_id,
                                         o.csb_id, o.rand, 12);
    j["srtp"] = {
        {"cs_id", cs_id}, {"master_key", ToHex(mk.Reveal())}, {"master_salt", ToHex(ms.Reveal())}};
  } else {
    j["key_fingerprint"] = KeyFingerprint(o.key);
  }
  return j;
}

}  // namespace kb::app
