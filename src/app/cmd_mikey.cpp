// keybridge mikey ...: MIKEY-SAKKE I_MESSAGEs (TS 33.180 Annex E): create, decode, open.
#include <fmt/format.h>

#include <cctype>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/input.h"
#include "app/mikey_json.h"
#include "app/output.h"
#include "core/encoding.h"
#include "crypto/eccsi.h"
#include "crypto/mc_identity.h"
#include "crypto/random.h"
#include "crypto/sakke.h"
#include "kms/user_key_check.h"
#include "kms/user_key_documents.h"
#include "mikey/community.h"
#include "mikey/i_message.h"
#include "mikey/i_message_builder.h"
#include "mikey/i_message_opener.h"
#include "mikey/lmr_root_key_message.h"
#include "mikey/replay_cache.h"

namespace kb::app {
namespace {

// A KMS community as an end point sees it: the certificate's public keys and the SAKKE tables.
struct KmsView {
  kms::KmsCertificate cert;
  mikey::KmsPublicKeys keys;
  std::unique_ptr<crypto::sakke::Community> sakke;
};

Result<std::unique_ptr<KmsView>> LoadKms(const std::string& path) {
  KB_TRY(std::string xml, ReadInput(path));
  auto view = std::make_unique<KmsView>();
  KB_TRY(view->cert, kms::LoadKmsCertificate(xml));
  KB_TRY(auto community, crypto::sakke::Community::Create(view->cert.pub_enc_key));
  view->sakke = std::make_unique<crypto::sakke::Community>(std::move(community));
  view->keys =
      mikey::KmsPublicKeys{view->cert.kms_uri, view->cert.pub_enc_key, view->cert.pub_auth_key,
                           view->cert.key_period, view->sakke.get()};
  return view;
}

Result<std::vector<kms::KmsKeySet>> LoadKeySets(const std::string& path, const KmsView& kms) {
  KB_TRY(std::string xml, ReadInput(path));
  KB_TRY(auto sets, kms::LoadKmsKeySets(xml));
  if (sets.empty()) return Fail(Error::NotFound(fmt::format("{}: no KmsKeySet", path)));
  for (const auto& s : sets) {
    if (auto st = kms::CheckKeySet(kms.cert, s); !st) return Fail(st.error().Within(path));
  }
  return sets;
}

Result<NtpTime> TimeOption(const std::string& at) {
  if (at.empty()) return NtpTime::Now();
  return NtpTime::ParseIso8601(at);
}

Result<crypto::PurposeTag> KeyTypeOption(const std::string& type) {
  if (type == "gmk") return crypto::PurposeTag::kGmk;
  if (type == "pck") return crypto::PurposeTag::kPck;
  if (type == "csk") return crypto::PurposeTag::kCsk;
  return Fail(Error::InvalidArgument(fmt::format("--type: '{}' is not gmk, pck or csk", type)));
}

// An unsigned number in decimal or 0x-hex, at most max.
Result<uint32_t> NumberOption(const std::string& text, uint32_t max, std::string_view option) {
  std::string_view t = text;
  int base = 10;
  if (t.starts_with("0x") || t.starts_with("0X")) {
    t.remove_prefix(2);
    base = 16;
  }
  uint64_t v = 0;
  bool ok = !t.empty() && t.size() <= 10;
  for (char c : t) {
    int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
            : base == 16 && std::isxdigit(static_cast<unsigned char>(c))
                ? std::tolower(static_cast<unsigned char>(c)) - 'a' + 10
                : -1;
    if (d < 0) ok = false;
    if (ok) v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  if (!ok || v > max) {
    return Fail(Error::InvalidArgument(
        fmt::format("{}: '{}' is not a number from 0 to {:#x}", option, text, max)));
  }
  return static_cast<uint32_t>(v);
}

Result<Bytes> ReadMessage(const std::string& path) {
  KB_TRY(std::string text, ReadInput(path));
  return DecodeMessageText(text);
}

void PrintJson(const nlohmann::json& j) { std::printf("%s\n", j.dump(2).c_str()); }

// ---- create ----

struct CreateFlags {
  std::string type = "gmk";
  std::string kms_cert, sender_keys, to, to_kms_cert, from, key_hex, key_id_hex, at, rand_hex,
      format = "base64";
  std::vector<std::string> group_ids;
  std::string text;
  bool hide = false, to_self = false, segy = false, no_key_params = false;
  // --type lmr-root-key (keybridge extension, docs/lmr-root-key.md)
  std::string root_key_hex, algid = "0x84", kid, key_name, lmr_type = "p25", rotation_serial = "0";
};

void PrintCreated(const std::string& format, const Bytes& message, nlohmann::json info) {
  if (format == "hex") {
    std::printf("%s\n", ToHex(message).c_str());
  } else if (format == "sdp") {
    std::printf("a=key-mgmt:mikey %s\n", ToBase64(message).c_str());
  } else if (format == "json") {
    info["message"] = ToBase64(message);
    PrintJson(info);
  } else {
    std::printf("%s\n", ToBase64(message).c_str());
  }
}

// keybridge extension (not TS 33.180): the IWF sends an LMR root key to a user.
Status RunCreateRootKey(const CreateFlags& f, const mikey::Initiator& initiator,
                        const mikey::Responder& responder, NtpTime now) {
  if (f.root_key_hex.empty()) return Fail(Error::InvalidArgument("--root-key is required"));
  if (f.kid.empty()) return Fail(Error::InvalidArgument("--kid is required"));
  mikey::RootKey root;
  KB_TRY(root.info.lmr_type, mikey::ParseLmrType(f.lmr_type));
  root.info.key_kind = mikey::RootKeyKindFor(root.info.lmr_type);
  KB_TRY(uint32_t algid, NumberOption(f.algid, 0xFF, "--algid"));
  KB_TRY(uint32_t kid, NumberOption(f.kid, 0xFFFF, "--kid"));
  KB_TRY(root.info.rotation_serial,
         NumberOption(f.rotation_serial, 0xFFFFFFFF, "--rotation-serial"));
  root.info.algid = static_cast<uint8_t>(algid);
  root.info.kid = static_cast<uint16_t>(kid);
  root.info.key_name = f.key_name;
  KB_TRY(Bytes raw, FromHex(f.root_key_hex, "--root-key"));
  root.key = SecretBytes::Adopt(std::move(raw));
  mikey::RootKeyCreateOptions options;
  options.now = now;
  options.identity_hiding = f.hide;
  KB_TRY(auto created, mikey::CreateRootKeyIMessage(initiator, responder, root, options));
  PrintCreated(f.format, created.message,
               {{"key_type", "LMR root key (keybridge extension)"},
                {"csb_id", fmt::format("{:08x}", created.csb_id)},
                {"lmr_type", mikey::LmrTypeName(root.info.lmr_type)},
                {"algid", fmt::format("0x{:02X}", root.info.algid)},
                {"kid", fmt::format("0x{:04X}", root.info.kid)},
                {"key_name", root.info.key_name},
                {"rotation_serial", root.info.rotation_serial},
                {"initiator", initiator.uri},
                {"responder", responder.uri},
                {"root_key_fingerprint", KeyFingerprint(root.key)}});
  return Ok();
}

Status RunCreate(const CreateFlags& f) {
  bool root_key = f.type == "lmr-root-key";
  KB_TRY(crypto::PurposeTag type,
         root_key ? Result<crypto::PurposeTag>(mikey::kLmrRootKeyType) : KeyTypeOption(f.type));
  KB_TRY(NtpTime now, TimeOption(f.at));
  KB_TRY(auto sender_kms, LoadKms(f.kms_cert));
  std::unique_ptr<KmsView> responder_kms_owned;
  const KmsView* responder_kms = sender_kms.get();
  if (!f.to_kms_cert.empty()) {
    KB_TRY(responder_kms_owned, LoadKms(f.to_kms_cert));
    responder_kms = responder_kms_owned.get();
  }
  KB_TRY(auto sets, LoadKeySets(f.sender_keys, *sender_kms));
  uint64_t period = sender_kms->cert.key_period.NumberAt(now);
  KB_TRY(const kms::KmsKeySet& mine, kms::SelectKeySet(sets, f.from, period));
  crypto::Uid uid = sender_kms->keys.UidAt(mine.user_uri, now);
  KB_TRY(auto signer,
         crypto::eccsi::Signer::Create(
             sender_kms->cert.pub_auth_key, uid,
             crypto::eccsi::UserKeys{mine.user_signing_key_ssk.Clone(), mine.user_pub_token_pvt}));

  if (root_key) {
    return RunCreateRootKey(f, {mine.user_uri, &sender_kms->keys, &signer, period},
                            {f.to, &responder_kms->keys}, now);
  }

  mikey::DistributedKey key;
  key.type = type;
  if (f.key_hex.empty()) {
    key.key = crypto::RandomSecret(16);
  } else {
    KB_TRY(Bytes raw, FromHex(f.key_hex, "--key"));
    if (raw.size() != 16) return Fail(Error::InvalidArgument("--key: the key must be 16 octets"));
    key.key = SecretBytes::Adopt(std::move(raw));
  }
  if (f.key_id_hex.empty()) {
    Bytes r = crypto::RandomBytes(4);
    uint32_t random28 =
        ((uint32_t{r[0]} << 24) | (uint32_t{r[1]} << 16) | (uint32_t{r[2]} << 8) | r[3]) &
        0x0fffffff;
    key.key_id = (static_cast<uint32_t>(type) << 28) | random28;
  } else {
    KB_TRY(Bytes id, FromHex(f.key_id_hex, "--key-id"));
    if (id.size() != 4) return Fail(Error::InvalidArgument("--key-id: 4 octets (8 hex digits)"));
    key.key_id = (uint32_t{id[0]} << 24) | (uint32_t{id[1]} << 16) | (uint32_t{id[2]} << 8) | id[3];
  }

  mikey::CreateOptions options;
  options.now = now;
  options.identity_hiding = f.hide;
  options.sakke_to_self = f.to_self;
  if (!f.rand_hex.empty()) {
    KB_TRY(options.rand, FromHex(f.rand_hex, "--rand"));
    if (options.rand.size() < 16) {
      return Fail(Error::InvalidArgument("--rand: at least 16 octets (32 hex digits)"));
    }
  }
  bool want_params =
      type == crypto::PurposeTag::kGmk || !f.group_ids.empty() || !f.text.empty() || f.segy;
  if (want_params && !f.no_key_params) {
    mikey::KeyParameters kp;
    kp.key_type = static_cast<uint8_t>(type);
    kp.status =
        mikey::kKeyStatusNotRevoked | (f.segy ? mikey::kKeyStatusSharedWithSecurityGateway : 0);
    kp.text = f.text;
    for (const auto& g : f.group_ids)
      kp.group_ids.push_back(mikey::McGroupId{mikey::kMcGroupIdIei, g});
    options.key_parameters = std::move(kp);
  }
  mikey::Initiator initiator{mine.user_uri, &sender_kms->keys, &signer, period};
  mikey::Responder responder{f.to, &responder_kms->keys};
  KB_TRY(mikey::CreatedIMessage created, mikey::CreateIMessage(initiator, responder, key, options));

  PrintCreated(f.format, created.message,
               {{"key_type", KeyTypeName(static_cast<uint8_t>(type))},
                {"key_id", fmt::format("{:08x}", key.key_id)},
                {"csb_id", fmt::format("{:08x}", created.csb_id)},
                {"rand", ToHex(created.rand)},
                {"initiator", mine.user_uri},
                {"responder", f.to},
                {"key_fingerprint", KeyFingerprint(key.key)}});
  return Ok();
}

// ---- decode ----

Status RunDecode(const std::string& input) {
  KB_TRY(Bytes raw, ReadMessage(input));
  KB_TRY(mikey::IMessage m, mikey::IMessage::Decode(raw));
  PrintJson(DescribeIMessage(m, raw.size()));
  return Ok();
}

// ---- open ----

struct OpenFlags {
  std::string kms_cert, keys, sender_kms_cert, at, user, expect, initiator_uri, input;
  uint64_t max_skew = 300;
  bool as_initiator = false, no_key = false;
  std::vector<std::string> iwfs;  // LMR root key messages: the authorised IWFs
  std::string min_rotation_serial;
};

Status RunOpen(const OpenFlags& f) {
  KB_TRY(NtpTime now, TimeOption(f.at));
  KB_TRY(Bytes raw, ReadMessage(f.input));
  KB_TRY(auto my_kms, LoadKms(f.kms_cert));
  std::unique_ptr<KmsView> sender_kms;
  if (!f.sender_kms_cert.empty()) {
    KB_TRY(sender_kms, LoadKms(f.sender_kms_cert));
  }
  KB_TRY(auto sets, LoadKeySets(f.keys, *my_kms));
  std::string uri = f.user.empty() ? sets.front().user_uri : f.user;

  // One SAKKE receiver per key period held (each validates its RSK).
  std::vector<crypto::sakke::Receiver> receivers;
  receivers.reserve(sets.size());
  mikey::ReceiverIdentity me{uri, &my_kms->keys, {}};
  for (const auto& s : sets) {
    if (s.user_uri != uri) continue;
    crypto::Uid uid =
        crypto::MikeySakkeUid(uri, my_kms->cert.kms_uri, my_kms->cert.key_period, s.key_period_no);
    KB_TRY(auto r,
           crypto::sakke::Receiver::Create(*my_kms->sakke, uid, s.user_decrypt_key.Clone()));
    receivers.push_back(std::move(r));
    me.keys.push_back({s.key_period_no, nullptr});
  }
  if (receivers.empty()) return Fail(Error::NotFound(fmt::format("no key set for {}", uri)));
  for (size_t i = 0; i < receivers.size(); ++i) me.keys[i].receiver = &receivers[i];

  mikey::ReplayCache replay(2 * f.max_skew + 60);
  mikey::OpenOptions options;
  options.now = now;
  options.max_skew_seconds = f.max_skew;
  options.replay_cache = &replay;
  if (sender_kms) options.trusted_kms.push_back(&sender_kms->keys);
  if (!f.expect.empty() && f.expect != "lmr-root-key") {
    KB_TRY(options.expected_key_type, KeyTypeOption(f.expect));
  }
  options.open_as = f.as_initiator ? mikey::OpenAs::kInitiator : mikey::OpenAs::kResponder;
  if (!f.initiator_uri.empty()) options.expected_initiator_uri = f.initiator_uri;
  KB_TRY(mikey::IMessage peek, mikey::IMessage::Decode(raw));
  if (crypto::PurposeTagOf(peek.hdr.csb_id) == mikey::kLmrRootKeyPurposeTag &&
      (f.expect.empty() || f.expect == "lmr-root-key")) {
    // keybridge extension (docs/lmr-root-key.md).
    mikey::RootKeyOpenOptions ro;
    ro.base = options;
    ro.authorised_iwfs = f.iwfs;
    if (!f.min_rotation_serial.empty()) {
      KB_TRY(ro.min_rotation_serial,
             NumberOption(f.min_rotation_serial, 0xFFFFFFFF, "--min-rotation-serial"));
    }
    KB_TRY(mikey::OpenedRootKey opened, mikey::OpenRootKeyIMessage(raw, me, ro));
    PrintJson(DescribeOpenedRootKey(opened, !f.no_key));
    return Ok();
  }
  KB_TRY(mikey::OpenedIMessage opened, mikey::OpenIMessage(raw, me, options));
  PrintJson(DescribeOpened(opened, !f.no_key));
  return Ok();
}

}  // namespace

void RegisterMikeyCommands(CLI::App& app) {
  auto* mikey = app.add_subcommand(
      "mikey", "MIKEY-SAKKE I_MESSAGEs (TS 33.180 Annex E): create, decode, open");
  mikey->require_subcommand(1);

  static CreateFlags c;
  auto* create =
      mikey->add_subcommand("create", "create and sign an I_MESSAGE; prints it in base64");
  create->add_option("--type", c.type, "gmk, pck, csk or lmr-root-key (keybridge extension)")
      ->capture_default_str();
  create->add_option("--root-key", c.root_key_hex,
                     "lmr-root-key: the LMR root key in hex (16 or 32 octets usually)");
  create->add_option("--algid", c.algid, "lmr-root-key: the root key's ALGID")
      ->capture_default_str();
  create->add_option("--kid", c.kid, "lmr-root-key: the root key's KID (16 bits)");
  create->add_option("--key-name", c.key_name, "lmr-root-key: the root key's name (UTF-8)");
  create->add_option("--lmr-type", c.lmr_type, "lmr-root-key: p25 (UKEK) or tetra (KEK)")
      ->capture_default_str();
  create
      ->add_option("--rotation-serial", c.rotation_serial,
                   "lmr-root-key: the root key's rotation serial")
      ->capture_default_str();
  create
      ->add_option("--kms-cert", c.kms_cert,
                   "the sender's KMS certificate (KmsCertificate or KmsResponse XML)")
      ->required();
  create->add_option("--sender-keys", c.sender_keys, "the sender's KmsKeySet (or KmsResponse) XML")
      ->required();
  create->add_option("--to", c.to, "the responder's MC service ID URI")->required();
  create->add_option("--to-kms-cert", c.to_kms_cert,
                     "the responder's KMS certificate, if another community");
  create->add_option("--from", c.from, "the sender URI when the key file holds several users");
  create->add_option("--key", c.key_hex, "the 16-octet key in hex (default: random)");
  create->add_option("--key-id", c.key_id_hex,
                     "the 32-bit key ID in hex (default: purpose tag + random)");
  create->add_option("--rand", c.rand_hex,
                     "the RAND payload in hex (default: 16 random octets); the copies of one GMK "
                     "share it (docs/calls.md)");
  create->add_option("--at", c.at, "ISO 8601 time for the T payload (default: now)");
  create->add_option("--group-id", c.group_ids, "MC group ID for the key parameters (repeatable)");
  create->add_option("--text", c.text, "text for the key parameters");
  create->add_flag("--segy", c.segy, "key parameters status: shared with a security gateway");
  create->add_flag("--no-key-params", c.no_key_params, "omit the key-parameters extension");
  create->add_flag("--hide-identities", c.hide, "IDRuidi/IDRuidr instead of URIs (E.7)");
  create->add_flag("--to-self", c.to_self, "add the SAKKE-to-self extension (E.5)");
  create->add_option("--format", c.format, "base64, hex, sdp or json")->capture_default_str();
  create->callback([] { ExitCode() = Report(RunCreate(c)); });

  static std::string decode_input;
  auto* decode = mikey->add_subcommand("decode", "print every payload of an I_MESSAGE as JSON");
  decode->add_option("input", decode_input,
                     "file with base64, hex or 'mikey <base64>' (default: stdin)");
  decode->callback([] { ExitCode() = Report(RunDecode(decode_input)); });

  static OpenFlags o;
  auto* open = mikey->add_subcommand("open", "verify and decrypt an I_MESSAGE; prints JSON");
  open->add_option("--kms-cert", o.kms_cert, "the recipient's KMS certificate XML")->required();
  open->add_option("--keys", o.keys, "the recipient's KmsKeySet or KmsResponse XML")->required();
  open->add_option("--sender-kms-cert", o.sender_kms_cert,
                   "the sender's KMS certificate, if another community");
  open->add_option("--user", o.user, "the recipient URI when the key file holds several users");
  open->add_option("--at", o.at, "check as of this ISO 8601 time (default: now)");
  open->add_option("--max-skew", o.max_skew, "allowed clock skew of T in seconds")
      ->capture_default_str();
  open->add_option("--expect", o.expect, "required key type: gmk, pck, csk or lmr-root-key");
  open->add_option("--initiator-uri", o.initiator_uri,
                   "with identity hiding: the initiator's URI to check");
  open->add_flag("--as-initiator", o.as_initiator, "open the SAKKE-to-self copy as its sender");
  open->add_flag("--no-key", o.no_key, "print a key fingerprint instead of the key");
  open->add_option("--iwf", o.iwfs, "LMR root key messages: an authorised IWF URI (repeatable)")
      ->allow_extra_args(false);
  open->add_option("--min-rotation-serial", o.min_rotation_serial,
                   "LMR root key messages: refuse older serials");
  open->add_option("input", o.input, "file with the message (default: stdin)");
  open->callback([] { ExitCode() = Report(RunOpen(o)); });
}

}  // namespace kb::app
