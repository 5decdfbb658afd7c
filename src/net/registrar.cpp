// RFC 3261 clause 10.3 registrar with RFC 7616 Digest (MD5, SHA-256, qop=auth).
#include "net/registrar.h"

#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <osipparser2/osip_parser.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

#include "core/bytes.h"
#include "core/encoding.h"

namespace kb::net {
namespace {

constexpr size_t kNonceRandom = 8;
constexpr size_t kNonceMac = 16;

SipMessage Reply(const SipMessage& request, int status, std::string_view reason) {
  auto r = SipMessage::ResponseTo(request, status, reason);
  if (!r) throw std::logic_error("registrar: cannot answer a parsed request");
  return std::move(*r);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

int64_t Seconds(RegistrarClock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::optional<uint32_t> ParseSeconds(const char* s) {
  if (s == nullptr || *s == '\0') return std::nullopt;
  uint64_t n = 0;
  for (const char* p = s; *p; ++p) {
    if (*p < '0' || *p > '9' || n > 0xffffffffULL) return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(*p - '0');
  }
  if (n > 0xffffffffULL) return std::nullopt;
  return static_cast<uint32_t>(n);
}

std::string UriString(osip_uri_t* u) {
  char* s = nullptr;
  if (u == nullptr || osip_uri_to_str(u, &s) != 0 || s == nullptr) return {};
  std::string out(s);
  osip_free(s);
  return out;
}

}  // namespace

Registrar::Registrar(RegistrarConfig config, CredentialLookup lookup)
    : config_(std::move(config)), lookup_(std::move(lookup)), nonce_key_(32) {
  if (RAND_bytes(nonce_key_.RevealMutable().data(), 32) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  opaque_ = RandomToken(8);
  if (config_.algorithms.empty()) throw std::invalid_argument("registrar: no digest algorithm");
}

std::string Registrar::CanonicalAor(std::string_view uri) {
  // A relay sees the same few URIs in every message (From, Request-URI, the info XML's, the MC
  // service ID): each thread remembers the last results, so a URI is parsed once, not per
  // message. Bounded: cleared when full (the next messages fill it again).
  constexpr size_t kCacheMax = 16384;
  thread_local std::unordered_map<std::string, std::string> cache;
  if (uri.size() <= 256) {
    thread_local std::string key;
    key.assign(uri);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
    std::string aor = ParseCanonicalAor(uri);
    if (cache.size() >= kCacheMax) cache.clear();
    cache.emplace(key, aor);
    return aor;
  }
  return ParseCanonicalAor(uri);
}

std::string Registrar::ParseCanonicalAor(std::string_view uri) {
  EnsureOsipInitialised();
  osip_uri_t* u = nullptr;
  osip_uri_init(&u);
  std::unique_ptr<osip_uri_t, void (*)(osip_uri_t*)> guard(u, &osip_uri_free);
  if (osip_uri_parse(u, std::string(uri).c_str()) != 0 || u->host == nullptr) return {};
  std::string scheme = u->scheme ? Lower(u->scheme) : "sip";
  std::string out = scheme + ":";
  if (u->username != nullptr) out += std::string(u->username) + "@";
  out += Lower(u->host);
  return out;
}

// nonce = hex( time (8 octets) | random (8) | HMAC-SHA-256(key, time | random)[0..16) )
std::string Registrar::NewNonce(RegistrarClock::time_point now) const {
  ByteWriter w;
  w.U64(static_cast<uint64_t>(Seconds(now)));
  Bytes rnd(kNonceRandom);
  if (RAND_bytes(rnd.data(), static_cast<int>(rnd.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  w.Append(rnd);
  Bytes body = std::move(w).Take();
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), nonce_key_.Reveal().data(), static_cast<int>(nonce_key_.size()), body.data(),
       body.size(), mac, &mac_len);
  body.insert(body.end(), mac, mac + kNonceMac);
  return ToHex(body);
}

Registrar::NonceState Registrar::CheckNonce(std::string_view nonce,
                                            RegistrarClock::time_point now) const {
  auto raw = FromHex(nonce, "nonce");
  if (!raw || raw->size() != 8 + kNonceRandom + kNonceMac) return NonceState::kInvalid;
  ByteView all(*raw);
  ByteView body = all.first(8 + kNonceRandom);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), nonce_key_.Reveal().data(), static_cast<int>(nonce_key_.size()), body.data(),
       body.size(), mac, &mac_len);
  if (!ConstantTimeEqual(ByteView(mac, kNonceMac), all.subspan(8 + kNonceRandom))) {
    return NonceState::kInvalid;
  }
  ByteReader r(body);
  auto issued = r.U64("nonce.time");
  if (!issued) return NonceState::kInvalid;
  int64_t age = Seconds(now) - static_cast<int64_t>(*issued);
  if (age < 0 || age > config_.nonce_lifetime.count()) return NonceState::kStale;
  return NonceState::kValid;
}

SipMessage Registrar::Challenge(const SipMessage& request, RegistrarClock::time_point now,
                                bool stale) {
  SipMessage resp = Reply(request, 401, "Unauthorized");
  std::string nonce = NewNonce(now);
  for (DigestAlgorithm alg : config_.algorithms) {
    DigestChallenge c{config_.realm, nonce, opaque_, alg, stale, true};
    auto value = FormatChallenge(c);
    if (value) (void)resp.AddHeader("WWW-Authenticate", *value);
  }
  return resp;
}

SipMessage Registrar::Handle(const SipMessage& request, RegistrarClock::time_point now) {
  if (request.Method() != "REGISTER") return Reply(request, 405, "Method Not Allowed");
  std::string aor = CanonicalAor(request.ToUri());
  if (aor.empty()) return Reply(request, 400, "Bad Request: To URI is not a SIP URI");
  std::lock_guard lock(mu_);

  // Authentication (RFC 3261 22.4, RFC 7616 3.4).
  auto auth_values = request.Headers("Authorization");
  std::vector<DigestCredentials> creds;
  for (const auto& v : auth_values) {
    auto c = ParseAuthorization(v);
    if (!c) return Reply(request, 400, "Bad Request: " + c.error().message());
    creds.push_back(std::move(*c));
  }
  auto it = std::find_if(creds.begin(), creds.end(),
                         [&](const DigestCredentials& c) { return c.realm == config_.realm; });
  if (it == creds.end()) return Challenge(request, now, false);
  const DigestCredentials& c = *it;
  if (std::find(config_.algorithms.begin(), config_.algorithms.end(), c.algorithm) ==
      config_.algorithms.end()) {
    return Challenge(request, now, false);
  }
  if (c.qop != "auth") return Reply(request, 400, "Bad Request: Authorization without qop=auth");
  if (c.opaque != opaque_) return Challenge(request, now, false);
  switch (CheckNonce(c.nonce, now)) {
    case NonceState::kInvalid:
      return Challenge(request, now, false);
    case NonceState::kStale:
      return Challenge(request, now, true);
    case NonceState::kValid:
      break;
  }
  if (c.uri != request.RequestUri()) {
    return Reply(request, 400, "Bad Request: digest uri differs from the Request-URI");
  }
  uint32_t nc = static_cast<uint32_t>(std::strtoul(c.nc.c_str(), nullptr, 16));
  auto seen = nonce_counts_.find(c.nonce);
  if (seen != nonce_counts_.end() && nc <= seen->second) {
    spdlog::warn("registrar: replayed nonce count for {}", c.username);
    return Challenge(request, now, false);
  }
  auto password = lookup_ ? lookup_(c.username) : std::nullopt;
  if (!password) {
    spdlog::info("registrar: unknown user {}", c.username);
    return Reply(request, 403, "Forbidden: unknown user or wrong password");
  }
  std::string expected = DigestResponse(c.algorithm, c, *password, request.Method());
  if (!ConstantTimeEqual(AsBytes(expected), AsBytes(c.response))) {
    spdlog::info("registrar: wrong password for {}", c.username);
    return Reply(request, 403, "Forbidden: unknown user or wrong password");
  }
  nonce_counts_[c.nonce] = nc;

  // Authorisation: the username owns the AOR.
  std::string user_at_host = aor.substr(aor.find(':') + 1);
  std::string user_part = user_at_host.substr(0, user_at_host.find('@'));
  if (Lower(c.username) != user_at_host && c.username != user_part) {
    return Reply(request, 403, "Forbidden: username does not own this address of record");
  }
  return UpdateBindings(request, aor, now);
}

SipMessage Registrar::UpdateBindings(const SipMessage& request, const std::string& aor,
                                     RegistrarClock::time_point now) {
  const osip_message_t* m = request.raw();
  std::optional<uint32_t> header_expires;
  if (auto e = request.Header("Expires")) {
    header_expires = ParseSeconds(e->c_str());
    if (!header_expires) return Reply(request, 400, "Bad Request: Expires is not a number");
  }
  auto& list = bindings_[aor];
  std::erase_if(list, [&](const Binding& b) { return b.expires_at <= now; });

  bool wildcard = false;
  struct Update {
    std::string contact;
    uint32_t expires;
  };
  std::vector<Update> updates;
  for (int i = 0; i < osip_list_size(&m->contacts); ++i) {
    auto* ct = static_cast<osip_contact_t*>(osip_list_get(&m->contacts, i));
    if (ct->url == nullptr) {
      if (ct->displayname != nullptr && std::string_view(ct->displayname) == "*") {
        wildcard = true;
        continue;
      }
      return Reply(request, 400, "Bad Request: Contact without a URI");
    }
    uint32_t expires = header_expires.value_or(config_.default_expires);
    osip_generic_param_t* p = nullptr;
    if (osip_contact_param_get_byname(ct, const_cast<char*>("expires"), &p) == 0 && p) {
      auto v = ParseSeconds(p->gvalue);
      if (!v) return Reply(request, 400, "Bad Request: Contact expires is not a number");
      expires = *v;
    }
    updates.push_back({UriString(ct->url), expires});
  }
  std::string call_id = request.CallId();
  uint32_t cseq = request.CSeqNumber();
  if (wildcard) {
    if (!updates.empty() || header_expires != 0u) {
      return Reply(request, 400, "Bad Request: Contact * needs Expires: 0 and no other contact");
    }
    spdlog::info("registrar: {} unregistered all {} contacts", aor, list.size());
    list.clear();
  }
  for (const Update& u : updates) {
    if (u.expires != 0 && u.expires < config_.min_expires) {
      SipMessage r = Reply(request, 423, "Interval Too Brief");
      (void)r.AddHeader("Min-Expires", std::to_string(config_.min_expires));
      return r;
    }
    auto existing = std::find_if(list.begin(), list.end(),
                                 [&](const Binding& b) { return b.contact == u.contact; });
    if (existing != list.end() && existing->call_id == call_id && existing->cseq >= cseq) {
      return Reply(request, 500, "Server Internal Error: CSeq out of order for this Call-ID");
    }
  }
  for (const Update& u : updates) {
    auto existing = std::find_if(list.begin(), list.end(),
                                 [&](const Binding& b) { return b.contact == u.contact; });
    if (u.expires == 0) {
      if (existing != list.end()) list.erase(existing);
      spdlog::info("registrar: {} unregistered {}", aor, u.contact);
      continue;
    }
    uint32_t e = std::min(u.expires, config_.max_expires);
    Binding b{u.contact, call_id, cseq, now + std::chrono::seconds(e)};
    if (existing != list.end()) {
      *existing = std::move(b);
    } else {
      list.push_back(std::move(b));
    }
    spdlog::info("registrar: {} registered {} for {} s", aor, u.contact, e);
  }
  SipMessage ok = Reply(request, 200, "OK");
  for (const Binding& b : list) {
    auto left = std::chrono::duration_cast<std::chrono::seconds>(b.expires_at - now).count();
    (void)ok.AddHeader("Contact", "<" + b.contact + ">;expires=" + std::to_string(left));
  }
  if (list.empty()) bindings_.erase(aor);
  return ok;
}

std::vector<Binding> Registrar::Lookup(std::string_view aor, RegistrarClock::time_point now) const {
  std::lock_guard lock(mu_);
  std::vector<Binding> out;
  auto it = bindings_.find(CanonicalAor(aor));
  if (it == bindings_.end()) return out;
  for (const Binding& b : it->second) {
    if (b.expires_at > now) out.push_back(b);
  }
  return out;
}

void Registrar::Restore(std::string_view aor, Binding binding) {
  std::lock_guard lock(mu_);
  auto& list = bindings_[CanonicalAor(aor)];
  std::erase_if(list, [&](const Binding& b) { return b.contact == binding.contact; });
  list.push_back(std::move(binding));
}

void Registrar::Expire(RegistrarClock::time_point now) {
  std::lock_guard lock(mu_);
  for (auto it = bindings_.begin(); it != bindings_.end();) {
    std::erase_if(it->second, [&](const Binding& b) { return b.expires_at <= now; });
    it = it->second.empty() ? bindings_.erase(it) : std::next(it);
  }
  std::erase_if(nonce_counts_,
                [&](const auto& kv) { return CheckNonce(kv.first, now) != NonceState::kValid; });
}

}  // namespace kb::net
