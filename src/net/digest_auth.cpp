// RFC 7616 / RFC 2617 Digest for SIP (RFC 3261 22.4, RFC 8760): challenge, answer, response.
#include "net/digest_auth.h"

#include <openssl/evp.h>
#include <osipparser2/osip_parser.h>

#include <memory>

#include "core/encoding.h"
#include "net/sip_message.h"

namespace kb::net {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

std::string Unquote(const char* v) {
  if (v == nullptr) return {};
  std::string s(v);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

char* Quoted(std::string_view v) { return osip_strdup(("\"" + std::string(v) + "\"").c_str()); }
char* Plain(std::string_view v) { return osip_strdup(std::string(v).c_str()); }

// Quoted-string values may not hold '"', '\\' or line breaks (we never escape).
bool Quotable(std::string_view v) { return v.find_first_of("\"\\\r\n") == std::string_view::npos; }

// Incremental hash over EVP, hex output.
class Hasher {
 public:
  explicit Hasher(DigestAlgorithm a) : ctx_(EVP_MD_CTX_new()) {
    EVP_DigestInit_ex(ctx_.get(), a == DigestAlgorithm::kMd5 ? EVP_md5() : EVP_sha256(), nullptr);
  }
  Hasher& Add(std::string_view s) {
    EVP_DigestUpdate(ctx_.get(), s.data(), s.size());
    return *this;
  }
  Hasher& Add(ByteView b) {
    EVP_DigestUpdate(ctx_.get(), b.data(), b.size());
    return *this;
  }
  std::string Hex() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx_.get(), out, &n);
    return ToHex(ByteView(out, n));
  }

 private:
  struct Free {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> ctx_;
};

}  // namespace

std::string_view DigestAlgorithmName(DigestAlgorithm a) {
  return a == DigestAlgorithm::kMd5 ? "MD5" : "SHA-256";
}

std::optional<DigestAlgorithm> ParseDigestAlgorithm(std::string_view name) {
  std::string n = Lower(name);
  if (n.size() >= 2 && n.front() == '"' && n.back() == '"') n = n.substr(1, n.size() - 2);
  if (n.empty() || n == "md5") return DigestAlgorithm::kMd5;
  if (n == "sha-256") return DigestAlgorithm::kSha256;
  return std::nullopt;
}

Result<std::string> FormatChallenge(const DigestChallenge& c) {
  EnsureOsipInitialised();
  if (!Quotable(c.realm) || !Quotable(c.nonce) || !Quotable(c.opaque)) {
    return Fail(Error::InvalidArgument("Digest challenge: a value holds a quote or line break"));
  }
  osip_www_authenticate_t* h = nullptr;
  if (osip_www_authenticate_init(&h) != 0) return Fail(Error::Internal("out of memory"));
  std::unique_ptr<osip_www_authenticate_t, void (*)(osip_www_authenticate_t*)> guard(
      h, &osip_www_authenticate_free);
  h->auth_type = Plain("Digest");
  h->realm = Quoted(c.realm);
  h->nonce = Quoted(c.nonce);
  if (!c.opaque.empty()) h->opaque = Quoted(c.opaque);
  h->algorithm = Plain(DigestAlgorithmName(c.algorithm));
  if (c.qop_auth) h->qop_options = Quoted("auth");
  if (c.stale) h->stale = Plain("true");
  char* out = nullptr;
  if (osip_www_authenticate_to_str(h, &out) != 0 || out == nullptr) {
    return Fail(Error::Internal("Digest challenge: oSIP could not print it"));
  }
  std::string s(out);
  osip_free(out);
  return s;
}

Result<DigestChallenge> ParseChallenge(std::string_view header_value) {
  EnsureOsipInitialised();
  osip_www_authenticate_t* h = nullptr;
  if (osip_www_authenticate_init(&h) != 0) return Fail(Error::Internal("out of memory"));
  std::unique_ptr<osip_www_authenticate_t, void (*)(osip_www_authenticate_t*)> guard(
      h, &osip_www_authenticate_free);
  if (osip_www_authenticate_parse(h, std::string(header_value).c_str()) != 0) {
    return Fail(Error::Malformed("WWW-Authenticate: does not parse"));
  }
  if (h->auth_type == nullptr || Lower(h->auth_type) != "digest") {
    return Fail(Error::Unsupported("WWW-Authenticate: scheme is not Digest"));
  }
  DigestChallenge c;
  c.realm = Unquote(h->realm);
  c.nonce = Unquote(h->nonce);
  c.opaque = Unquote(h->opaque);
  if (h->realm == nullptr) return Fail(Error::Malformed("WWW-Authenticate: realm missing"));
  if (c.nonce.empty()) return Fail(Error::Malformed("WWW-Authenticate: nonce missing"));
  auto alg = ParseDigestAlgorithm(h->algorithm ? h->algorithm : "");
  if (!alg) return Fail(Error::Unsupported("WWW-Authenticate: algorithm not MD5 or SHA-256"));
  c.algorithm = *alg;
  c.stale = h->stale != nullptr && Lower(Unquote(h->stale)) == "true";
  c.qop_auth = false;
  std::string qops = Lower(Unquote(h->qop_options));
  size_t start = 0;
  while (start <= qops.size()) {
    size_t comma = qops.find(',', start);
    std::string item = qops.substr(start, comma == std::string::npos ? comma : comma - start);
    while (!item.empty() && item.front() == ' ') item.erase(0, 1);
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (item == "auth") c.qop_auth = true;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return c;
}

Result<std::string> FormatAuthorization(const DigestCredentials& c) {
  EnsureOsipInitialised();
  for (const std::string* v : {&c.username, &c.realm, &c.nonce, &c.uri, &c.cnonce, &c.opaque}) {
    if (!Quotable(*v)) {
      return Fail(Error::InvalidArgument("Authorization: a value holds a quote or line break"));
    }
  }
  osip_authorization_t* h = nullptr;
  if (osip_authorization_init(&h) != 0) return Fail(Error::Internal("out of memory"));
  std::unique_ptr<osip_authorization_t, void (*)(osip_authorization_t*)> guard(
      h, &osip_authorization_free);
  h->auth_type = Plain("Digest");
  h->username = Quoted(c.username);
  h->realm = Quoted(c.realm);
  h->nonce = Quoted(c.nonce);
  h->uri = Quoted(c.uri);
  h->response = Quoted(c.response);
  h->algorithm = Plain(DigestAlgorithmName(c.algorithm));
  if (!c.qop.empty()) {
    h->message_qop = Plain(c.qop);
    h->cnonce = Quoted(c.cnonce);
    h->nonce_count = Plain(c.nc);
  }
  if (!c.opaque.empty()) h->opaque = Quoted(c.opaque);
  char* out = nullptr;
  if (osip_authorization_to_str(h, &out) != 0 || out == nullptr) {
    return Fail(Error::Internal("Authorization: oSIP could not print it"));
  }
  std::string s(out);
  osip_free(out);
  return s;
}

Result<DigestCredentials> ParseAuthorization(std::string_view header_value) {
  EnsureOsipInitialised();
  osip_authorization_t* h = nullptr;
  if (osip_authorization_init(&h) != 0) return Fail(Error::Internal("out of memory"));
  std::unique_ptr<osip_authorization_t, void (*)(osip_authorization_t*)> guard(
      h, &osip_authorization_free);
  if (osip_authorization_parse(h, std::string(header_value).c_str()) != 0) {
    return Fail(Error::Malformed("Authorization: does not parse"));
  }
  if (h->auth_type == nullptr || Lower(h->auth_type) != "digest") {
    return Fail(Error::Unsupported("Authorization: scheme is not Digest"));
  }
  DigestCredentials c;
  c.username = Unquote(h->username);
  c.realm = Unquote(h->realm);
  c.nonce = Unquote(h->nonce);
  c.uri = Unquote(h->uri);
  c.response = Lower(Unquote(h->response));
  c.cnonce = Unquote(h->cnonce);
  c.nc = Lower(Unquote(h->nonce_count));
  c.qop = Lower(Unquote(h->message_qop));
  c.opaque = Unquote(h->opaque);
  if (c.username.empty()) return Fail(Error::Malformed("Authorization: username missing"));
  if (h->realm == nullptr) return Fail(Error::Malformed("Authorization: realm missing"));
  if (c.nonce.empty()) return Fail(Error::Malformed("Authorization: nonce missing"));
  if (c.uri.empty()) return Fail(Error::Malformed("Authorization: uri missing"));
  if (c.response.empty()) return Fail(Error::Malformed("Authorization: response missing"));
  auto alg = ParseDigestAlgorithm(h->algorithm ? h->algorithm : "");
  if (!alg) return Fail(Error::Unsupported("Authorization: algorithm not MD5 or SHA-256"));
  c.algorithm = *alg;
  if (!c.qop.empty()) {
    if (c.cnonce.empty()) return Fail(Error::Malformed("Authorization: cnonce missing"));
    if (c.nc.size() != 8 || c.nc.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return Fail(Error::Malformed("Authorization: nc is not 8 hex digits"));
    }
  }
  return c;
}

std::string DigestResponse(DigestAlgorithm alg, const DigestCredentials& c,
                           const SecretBytes& password, std::string_view method) {
  std::string ha1 =
      Hasher(alg).Add(c.username).Add(":").Add(c.realm).Add(":").Add(password.Reveal()).Hex();
  std::string ha2 = Hasher(alg).Add(method).Add(":").Add(c.uri).Hex();
  Hasher r(alg);
  r.Add(ha1).Add(":").Add(c.nonce).Add(":");
  if (!c.qop.empty()) r.Add(c.nc).Add(":").Add(c.cnonce).Add(":").Add(c.qop).Add(":");
  std::string out = r.Add(ha2).Hex();
  SecureWipe(ha1.data(), ha1.size());
  return out;
}

DigestCredentials AnswerChallenge(const DigestChallenge& challenge, std::string_view username,
                                  const SecretBytes& password, std::string_view method,
                                  std::string_view uri) {
  DigestCredentials c;
  c.username = username;
  c.realm = challenge.realm;
  c.nonce = challenge.nonce;
  c.uri = uri;
  c.algorithm = challenge.algorithm;
  c.opaque = challenge.opaque;
  if (challenge.qop_auth) {
    c.qop = "auth";
    c.cnonce = RandomToken(8);
    c.nc = "00000001";
  }
  c.response = DigestResponse(challenge.algorithm, c, password, method);
  return c;
}

}  // namespace kb::net
