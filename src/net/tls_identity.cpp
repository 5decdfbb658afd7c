// RFC 5280 / RFC 8446: self-signed ECDSA P-256 server certificates made with the OpenSSL API.
#include "net/tls_identity.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "crypto/random.h"

namespace kb::net {
namespace {

namespace fs = std::filesystem;

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
template <typename T>
using Ptr = std::unique_ptr<T, Free>;

bool IsIpAddress(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

Status AddExtension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  Ptr<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return Fail(Error::Internal(fmt::format("X.509 extension {} refused", OBJ_nid2sn(nid))));
  }
  return Ok();
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

// Writes text to path with the given mode through a temporary file and a rename.
Status WriteFile(const fs::path& path, const std::string& text, mode_t mode) {
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return Fail(Error::Io(fmt::format("cannot write {}", tmp.string())));
    chmod(tmp.c_str(), mode);
    f << text;
    if (!f.flush()) return Fail(Error::Io(fmt::format("cannot write {}", tmp.string())));
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return Fail(Error::Io(fmt::format("cannot rename {}: {}", tmp.string(), ec.message())));
  return Ok();
}

Status Create(const TlsIdentity& id, const std::vector<std::string>& names, int days) {
  Ptr<EVP_PKEY> key(EVP_EC_gen("P-256"));
  if (!key) return Fail(Error::Internal("P-256 key generation failed"));
  Ptr<X509> cert(X509_new());
  X509_set_version(cert.get(), 2);
  Bytes serial = crypto::RandomBytes(16);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(days) * 86400);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("keybridge"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(names[0].c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  std::string san;
  for (const auto& n : names) {
    san += (san.empty() ? "" : ",") + std::string(IsIpAddress(n) ? "IP:" : "DNS:") + n;
  }
  KB_CHECK(AddExtension(cert.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0"));
  KB_CHECK(AddExtension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign"));
  KB_CHECK(AddExtension(cert.get(), NID_ext_key_usage, "serverAuth"));
  KB_CHECK(AddExtension(cert.get(), NID_subject_key_identifier, "hash"));
  KB_CHECK(AddExtension(cert.get(), NID_subject_alt_name, san));
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    return Fail(Error::Internal("self-signing the certificate failed"));
  }
  Ptr<BIO> key_bio(BIO_new(BIO_s_mem()));
  Ptr<BIO> cert_bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
          1 ||
      PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1) {
    return Fail(Error::Internal("PEM encoding failed"));
  }
  std::string key_pem = BioText(key_bio.get());
  Status st = WriteFile(id.key_file, key_pem, 0600);
  OPENSSL_cleanse(key_pem.data(), key_pem.size());
  KB_CHECK(st);
  return WriteFile(id.cert_file, BioText(cert_bio.get()), 0644);
}

}  // namespace

Result<TlsIdentity> LoadOrCreateSelfSigned(const fs::path& dir,
                                           const std::vector<std::string>& names, int days) {
  if (names.empty()) return Fail(Error::InvalidArgument("TLS identity: no host name"));
  TlsIdentity id{dir / kTlsCertFile, dir / kTlsKeyFile};
  std::error_code ec;
  if (!fs::exists(id.cert_file, ec) || !fs::exists(id.key_file, ec)) {
    fs::create_directories(dir, ec);
    KB_CHECK(Create(id, names, days));
  }
  struct stat st {};
  if (stat(id.key_file.c_str(), &st) != 0) {
    return Fail(Error::Io(fmt::format("cannot stat {}", id.key_file.string())));
  }
  if ((st.st_mode & 077) != 0) {
    return Fail(Error::Unauthorised(fmt::format(
        "{}: group or others may access the TLS key (chmod 600)", id.key_file.string())));
  }
  return id;
}

}  // namespace kb::net
