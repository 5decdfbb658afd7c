// RFC 7519 / RFC 7515 / RFC 7518 3.4: ES256 JWTs on OpenSSL 3.
#include "idms/jwt.h"

#include <fmt/format.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "core/secret.h"
#include "crypto/hash.h"

namespace kb::idms {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

std::shared_ptr<EVP_PKEY> Own(EVP_PKEY* k) { return std::shared_ptr<EVP_PKEY>(k, EVP_PKEY_free); }

std::string_view AsText(ByteView b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }
ByteView AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// The uncompressed public point 04||x||y.
Bytes PublicPoint(EVP_PKEY* key) {
  Bytes point(65);
  size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size(),
                                      &len) != 1 ||
      len != 65) {
    return {};
  }
  return point;
}

bool IsP256(EVP_PKEY* key) {
  char group[64] = {};
  size_t len = 0;
  return EVP_PKEY_is_a(key, "EC") &&
         EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                        &len) == 1 &&
         std::string_view(group) == "prime256v1";
}

json Jwk(const Bytes& point) {
  return json{{"crv", "P-256"},
              {"kty", "EC"},
              {"x", ToBase64Url(ByteView(point).subspan(1, 32))},
              {"y", ToBase64Url(ByteView(point).subspan(33, 32))}};
}

// RFC 7638: SHA-256 over the required members in lexicographic order, no white space.
std::string Thumbprint(const Bytes& point) {
  std::string canonical = Jwk(point).dump();  // nlohmann sorts keys: crv, kty, x, y
  return ToBase64Url(crypto::Sha256(AsBytes(canonical)));
}

Result<std::shared_ptr<EVP_PKEY>> KeyFromPoint(ByteView point) {
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
  OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
  EVP_PKEY* key = nullptr;
  bool ok = ctx != nullptr && EVP_PKEY_fromdata_init(ctx) == 1 &&
            EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  if (!ok) return Fail(Error::Malformed("JWK: not a P-256 public key"));
  auto owned = Own(key);
  // fromdata does not check that the point is on the curve: check it.
  EVP_PKEY_CTX* check = EVP_PKEY_CTX_new(key, nullptr);
  bool valid = check != nullptr && EVP_PKEY_public_check(check) == 1;
  EVP_PKEY_CTX_free(check);
  if (!valid) return Fail(Error::Malformed("JWK: point not on P-256"));
  return owned;
}

// DER ECDSA-Sig-Value <-> the fixed 64-octet r||s of JWS.
Bytes DerToRaw(ByteView der) {
  const unsigned char* p = der.data();
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  Bytes raw(64);
  if (sig == nullptr) return {};
  const BIGNUM *r = nullptr, *s = nullptr;
  ECDSA_SIG_get0(sig, &r, &s);
  bool ok = BN_bn2binpad(r, raw.data(), 32) == 32 && BN_bn2binpad(s, raw.data() + 32, 32) == 32;
  ECDSA_SIG_free(sig);
  return ok ? raw : Bytes();
}

Bytes RawToDer(ByteView raw) {
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(raw.data(), 32, nullptr);
  BIGNUM* s = BN_bin2bn(raw.data() + 32, 32, nullptr);
  ECDSA_SIG_set0(sig, r, s);
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(sig, &der);
  Bytes out;
  if (len > 0) out.assign(der, der + len);
  OPENSSL_free(der);
  ECDSA_SIG_free(sig);
  return out;
}

bool IsBase64Url(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

Result<json> DecodeJsonPart(std::string_view part, std::string_view name) {
  KB_TRY(Bytes raw, FromBase64(part, name));
  json j = json::parse(AsText(raw), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Fail(Error::Malformed(fmt::format("JWT {}: not a JSON object", name)));
  return j;
}

std::string ReadAll(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), {});
}

}  // namespace

bool JwtClaims::HasScope(std::string_view s) const {
  return std::find(scope.begin(), scope.end(), s) != scope.end();
}
bool JwtClaims::HasAudience(std::string_view a) const {
  return std::find(aud.begin(), aud.end(), a) != aud.end();
}

JwtSigner::JwtSigner(std::shared_ptr<EVP_PKEY> key)
    : key_(std::move(key)), kid_(Thumbprint(PublicPoint(key_.get()))) {}

JwtSigner JwtSigner::Generate() {
  EVP_PKEY* k = EVP_EC_gen("P-256");
  if (k == nullptr) std::abort();  // key generation cannot fail with a working RNG
  return JwtSigner(Own(k));
}

Result<JwtSigner> JwtSigner::LoadOrCreate(const fs::path& key_file) {
  std::error_code ec;
  if (!fs::exists(key_file, ec)) {
    JwtSigner s = Generate();
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, s.key_.get(), nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    fs::path tmp = key_file;
    tmp += ".tmp";
    bool ok = false;
    {
      std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
      chmod(tmp.c_str(), 0600);
      ok = static_cast<bool>(f.write(data, n).flush());
    }
    BIO_free(bio);  // a memory BIO frees (and OpenSSL clears) its buffer
    if (!ok) return Fail(Error::Io(fmt::format("cannot write {}", tmp.string())));
    fs::rename(tmp, key_file, ec);
    if (ec)
      return Fail(Error::Io(fmt::format("cannot write {}: {}", key_file.string(), ec.message())));
    return s;
  }
  struct stat st {};
  if (stat(key_file.c_str(), &st) != 0 || (st.st_mode & 077) != 0) {
    return Fail(Error::Unauthorised(
        fmt::format("{}: missing, or group or others may access the signing key (chmod 600)",
                    key_file.string())));
  }
  std::string pem = ReadAll(key_file);
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* k = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  SecureWipe(pem.data(), pem.size());
  if (k == nullptr)
    return Fail(Error::Malformed(fmt::format("{}: not a PEM private key", key_file.string())));
  auto key = Own(k);
  if (!IsP256(k))
    return Fail(Error::Unsupported(fmt::format("{}: not a P-256 key", key_file.string())));
  return JwtSigner(std::move(key));
}

std::string JwtSigner::Sign(const JwtClaims& c) const {
  json header = {{"alg", "ES256"}, {"typ", "JWT"}, {"kid", kid_}};
  json claims = {{"sub", c.sub}, {"iss", c.iss}, {"iat", c.iat}, {"exp", c.exp}};
  if (c.aud.size() == 1) {
    claims["aud"] = c.aud.front();
  } else if (!c.aud.empty()) {
    claims["aud"] = c.aud;
  }
  std::string scope;
  for (const auto& s : c.scope) scope += (scope.empty() ? "" : " ") + s;
  if (!scope.empty()) claims["scope"] = scope;
  if (!c.jti.empty()) claims["jti"] = c.jti;
  std::string input =
      ToBase64Url(AsBytes(header.dump())) + "." + ToBase64Url(AsBytes(claims.dump()));
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  size_t len = 0;
  Bytes der;
  if (EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, key_.get()) == 1 &&
      EVP_DigestSign(md, nullptr, &len, AsBytes(input).data(), input.size()) == 1) {
    der.resize(len);
    if (EVP_DigestSign(md, der.data(), &len, AsBytes(input).data(), input.size()) != 1) der.clear();
    der.resize(len);
  }
  EVP_MD_CTX_free(md);
  Bytes raw = DerToRaw(der);
  if (raw.size() != 64) std::abort();  // signing with a valid key cannot fail
  return input + "." + ToBase64Url(raw);
}

std::string JwtSigner::PublicKeyPem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key_.get());
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

std::string JwtSigner::Jwks() const {
  json k = Jwk(PublicPoint(key_.get()));
  k["kid"] = kid_;
  k["alg"] = "ES256";
  k["use"] = "sig";
  return json{{"keys", json::array({k})}}.dump();
}

JwtVerifier::JwtVerifier(std::shared_ptr<EVP_PKEY> key, std::string issuer, std::string audience)
    : key_(std::move(key)),
      kid_(Thumbprint(PublicPoint(key_.get()))),
      issuer_(std::move(issuer)),
      audience_(std::move(audience)) {}

Result<JwtVerifier> JwtVerifier::FromPublicKeyPem(std::string_view pem, std::string issuer,
                                                  std::string audience) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* k = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (k == nullptr) return Fail(Error::Malformed("IdMS public key: not a PEM public key"));
  auto key = Own(k);
  if (!IsP256(k)) return Fail(Error::Unsupported("IdMS public key: not a P-256 key"));
  return JwtVerifier(std::move(key), std::move(issuer), std::move(audience));
}

Result<JwtVerifier> JwtVerifier::FromJwks(std::string_view jwks_json, std::string issuer,
                                          std::string audience) {
  json j = json::parse(jwks_json, nullptr, false);
  if (!j.is_object() || !j.contains("keys") || !j["keys"].is_array()) {
    return Fail(Error::Malformed("JWKS: expected an object with a keys array"));
  }
  for (const auto& k : j["keys"]) {
    if (!k.is_object() || k.value("kty", "") != "EC" || k.value("crv", "") != "P-256") continue;
    if (!k.contains("x") || !k.contains("y") || !k["x"].is_string() || !k["y"].is_string())
      continue;
    KB_TRY(Bytes x, FromBase64(k["x"].get<std::string>(), "JWK x"));
    KB_TRY(Bytes y, FromBase64(k["y"].get<std::string>(), "JWK y"));
    if (x.size() != 32 || y.size() != 32)
      return Fail(Error::Malformed("JWK: x and y must be 32 octets"));
    Bytes point{0x04};
    point.insert(point.end(), x.begin(), x.end());
    point.insert(point.end(), y.begin(), y.end());
    KB_TRY(auto key, KeyFromPoint(point));
    return JwtVerifier(std::move(key), std::move(issuer), std::move(audience));
  }
  return Fail(Error::NotFound("JWKS: no P-256 key"));
}

Result<JwtClaims> JwtVerifier::Verify(std::string_view token, int64_t now, int64_t leeway) const {
  if (token.size() > kMaxTokenBytes) return Fail(Error::Unauthorised("access token too long"));
  size_t d1 = token.find('.');
  size_t d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) {
    return Fail(Error::Unauthorised("access token: not a JWS compact serialisation"));
  }
  std::string_view h = token.substr(0, d1), p = token.substr(d1 + 1, d2 - d1 - 1),
                   s = token.substr(d2 + 1);
  if (!IsBase64Url(h) || !IsBase64Url(p) || !IsBase64Url(s)) {
    return Fail(Error::Unauthorised("access token: not base64url"));
  }
  auto header = DecodeJsonPart(h, "header");
  if (!header) return Fail(Error::Unauthorised(header.error().message()));
  const json& hj = *header;
  if (!hj.contains("alg") || hj["alg"] != "ES256") {
    return Fail(Error::Unauthorised("access token: alg must be ES256"));
  }
  if (hj.contains("crit"))
    return Fail(Error::Unauthorised("access token: crit header not supported"));
  if (hj.contains("kid") && (!hj["kid"].is_string() || hj["kid"].get<std::string>() != kid_)) {
    return Fail(Error::Unauthorised("access token: signed by another key (kid)"));
  }
  auto raw = FromBase64(s, "signature");
  if (!raw || raw->size() != 64)
    return Fail(Error::CryptoFailure("access token: signature is not 64 octets"));
  Bytes der = RawToDer(*raw);
  std::string_view input = token.substr(0, d2);
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  bool good =
      EVP_DigestVerifyInit(md, nullptr, EVP_sha256(), nullptr, key_.get()) == 1 &&
      EVP_DigestVerify(md, der.data(), der.size(), AsBytes(input).data(), input.size()) == 1;
  EVP_MD_CTX_free(md);
  if (!good) return Fail(Error::CryptoFailure("access token: bad signature"));

  auto payload = DecodeJsonPart(p, "claims");
  if (!payload) return Fail(Error::Unauthorised(payload.error().message()));
  const json& cj = *payload;
  JwtClaims c;
  auto str = [&](const char* name, std::string& out) -> Status {
    if (!cj.contains(name)) return Ok();
    if (!cj[name].is_string())
      return Fail(Error::Unauthorised(fmt::format("access token: {} not a string", name)));
    out = cj[name].get<std::string>();
    return Ok();
  };
  auto num = [&](const char* name, int64_t& out) -> Status {
    if (!cj.contains(name) || !cj[name].is_number_integer()) {
      return Fail(
          Error::Unauthorised(fmt::format("access token: {} missing or not an integer", name)));
    }
    out = cj[name].get<int64_t>();
    return Ok();
  };
  KB_CHECK(str("sub", c.sub));
  KB_CHECK(str("iss", c.iss));
  KB_CHECK(str("jti", c.jti));
  KB_CHECK(num("iat", c.iat));
  KB_CHECK(num("exp", c.exp));
  if (cj.contains("aud")) {
    if (cj["aud"].is_string()) {
      c.aud.push_back(cj["aud"].get<std::string>());
    } else if (cj["aud"].is_array()) {
      for (const auto& a : cj["aud"]) {
        if (a.is_string()) c.aud.push_back(a.get<std::string>());
      }
    }
  }
  if (cj.contains("scope") && cj["scope"].is_string()) {
    std::string all = cj["scope"].get<std::string>();
    size_t pos = 0;
    while (pos < all.size()) {
      size_t sp = all.find(' ', pos);
      if (sp == std::string::npos) sp = all.size();
      if (sp > pos) c.scope.push_back(all.substr(pos, sp - pos));
      pos = sp + 1;
    }
  }
  if (c.sub.empty()) return Fail(Error::Unauthorised("access token: no sub"));
  if (c.iss != issuer_)
    return Fail(
        Error::Unauthorised(fmt::format("access token: issuer '{}' is not trusted", c.iss)));
  if (!c.HasAudience(audience_)) {
    return Fail(Error::Unauthorised(fmt::format("access token: not for audience '{}'", audience_)));
  }
  if (now >= c.exp + leeway) return Fail(Error::Expired("access token expired"));
  if (c.iat > now + leeway) return Fail(Error::Expired("access token issued in the future"));
  if (cj.contains("nbf") && cj["nbf"].is_number_integer() &&
      cj["nbf"].get<int64_t>() > now + leeway) {
    return Fail(Error::Expired("access token not yet valid"));
  }
  return c;
}

}  // namespace kb::idms
