// keybridge kms ...: a KMS community on disk (TS 33.180 5.3, Annex D): init, provision.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "app/client_node.h"
#include "app/commands.h"
#include "app/identity_key_files.h"
#include "app/output.h"
#include "kms/at_rest.h"
#include "kms/community.h"
#include "kms/kms_response.h"

namespace kb::app {
namespace {

namespace fs = std::filesystem;

// The storage key of a community directory: $KEYBRIDGE_KMS_MASTER_KEY, else DIR/kms-storage.key.
Result<SecretBytes> StorageKey(const fs::path& dir, const std::string& key_file, bool create) {
  fs::path path = key_file.empty() ? dir / "kms-storage.key" : fs::path(key_file);
  return kms::LoadStorageKey(path, create);
}

struct InitOptions {
  std::string kms_uri;
  std::string out;
  std::string key_file;
  uint64_t period = 2592000;
  uint64_t offset = 0;
  unsigned valid_years = 5;
};

Status RunInit(const InitOptions& o) {
  fs::path dir(o.out);
  if (fs::exists(dir / kms::kCertificateFile)) {
    return Fail(Error::Conflict(fmt::format("{} already holds a KMS community", o.out)));
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Fail(Error::Io(fmt::format("cannot create {}: {}", o.out, ec.message())));
  fs::permissions(dir, fs::perms::owner_all, ec);
  kms::CommunityOptions options;
  options.kms_uri = o.kms_uri;
  options.key_period = KeyPeriod{o.period, o.offset};
  options.valid_from = NtpTime::Now();
  uint64_t valid_to = options.valid_from.seconds() + uint64_t{o.valid_years} * 365 * 86400;
  if (valid_to > 0xffffffffULL) {
    return Fail(Error::InvalidArgument(
        "--valid-years: the certificate would end after the NTP era 0 rollover (2036-02-07)"));
  }
  options.valid_to = NtpTime::FromSeconds(valid_to);
  KB_TRY(auto community, kms::Community::Create(options));
  KB_TRY(SecretBytes storage_key, StorageKey(dir, o.key_file, /*create=*/true));
  KB_CHECK(community.Save(dir, storage_key));
  std::fputs(community.CertificateXml().c_str(), stdout);
  std::fprintf(stderr, "keybridge: KMS community %s created in %s (master secrets sealed)\n",
               o.kms_uri.c_str(), o.out.c_str());
  return Ok();
}

struct ProvisionOptions {
  std::string state;
  std::string user;
  std::string key_file;
  std::string out;
  std::string at;
  int64_t period = -1;
  bool response = false;
};

Status RunProvision(const ProvisionOptions& o) {
  fs::path dir(o.state);
  KB_TRY(SecretBytes storage_key, StorageKey(dir, o.key_file, /*create=*/false));
  KB_TRY(auto community, kms::Community::Load(dir, storage_key));
  NtpTime now = NtpTime::Now();
  if (!o.at.empty()) {
    KB_TRY(now, NtpTime::ParseIso8601(o.at));
  }
  uint64_t period = o.period >= 0 ? static_cast<uint64_t>(o.period)
                                  : community.certificate().key_period.NumberAt(now);
  KB_TRY(kms::KmsKeySet key_set, community.Provision(o.user, period));
  SecretBytes xml;
  if (o.response) {
    kms::KmsResponse response;
    response.user_uri = o.user;
    response.kms_uri = community.certificate().kms_uri;
    response.time = now;
    response.client_req_url = fmt::format("keybridge:kms/provision");
    kms::KmsKeyProv prov;
    prov.key_sets.push_back(std::move(key_set));
    response.message = std::move(prov);
    xml = kms::ToXml(response);
  } else {
    xml = kms::ToXml(key_set);
  }
  return WriteSecretOutput(o.out, xml);
}

struct FetchOptions {
  std::string idms, kms, user, password_file, ca, kms_ca, out, cert_out;
};

// Logs in at the IdMS, fetches init + keyprov from the KMS, checks the key sets, writes the
// KmsResponse (KmsKeyProv) to --out and the KmsCertificate to --cert-out.
Status RunFetch(const FetchOptions& o) {
  KB_TRY(SecretBytes password, ReadPassword(o.password_file));
  IdentityKeyFetch f;
  f.idms_url = o.idms;
  f.kms_url = o.kms;
  f.user = o.user;
  f.idms_tls.ca_file = o.ca;
  f.kms_tls.ca_file = o.kms_ca.empty() ? o.ca : o.kms_ca;
  f.cert_out = o.cert_out;
  f.keys_out = o.out;
  KB_TRY(size_t n, FetchIdentityKeyFiles(f, password));
  std::fprintf(stderr, "keybridge: %zu key set(s) for %s checked and written\n", n, o.user.c_str());
  return Ok();
}

}  // namespace

void RegisterKmsCommands(CLI::App& app) {
  auto* kms =
      app.add_subcommand("kms", "KMS community (TS 33.180 Annex D): init, provision, fetch");
  kms->require_subcommand(1);

  static InitOptions init;
  auto* i = kms->add_subcommand("init", "create a KMS community and print its KmsCertificate");
  i->add_option("--kms-uri", init.kms_uri, "KmsUri, e.g. kms.example.org")->required();
  i->add_option("--out", init.out, "community directory to create")->required();
  i->add_option("--storage-key", init.key_file,
                "storage key file (default DIR/kms-storage.key; $KEYBRIDGE_KMS_MASTER_KEY wins)");
  i->add_option("--key-period", init.period, "UserKeyPeriod in seconds")->capture_default_str();
  i->add_option("--key-offset", init.offset, "UserKeyOffset in seconds")->capture_default_str();
  i->add_option("--valid-years", init.valid_years, "certificate validity")->capture_default_str();
  i->callback([] { ExitCode() = Report(RunInit(init)); });

  static ProvisionOptions prov;
  auto* p = kms->add_subcommand("provision", "issue a user's KmsKeySet (SSK, PVT, RSK)");
  p->add_option("--state", prov.state, "community directory")->required();
  p->add_option("--user", prov.user, "the user's MC service ID URI")->required();
  p->add_option("--period", prov.period, "key period number (default: the current one)");
  p->add_option("--at", prov.at, "ISO 8601 time whose key period to issue");
  p->add_option("--out", prov.out, "output file (mode 0600; default standard output)");
  p->add_option("--storage-key", prov.key_file, "storage key file");
  p->add_flag("--response", prov.response, "wrap the key set in a whole KmsResponse document");
  p->callback([] { ExitCode() = Report(RunProvision(prov)); });

  static FetchOptions fetch;
  auto* f = kms->add_subcommand(
      "fetch", "log in at the IdMS and fetch this user's key sets from the KMS over HTTPS");
  f->add_option("--idms", fetch.idms, "IdMS base URL, e.g. https://127.0.0.1:8443")->required();
  f->add_option("--kms", fetch.kms, "KMS base URL, e.g. https://127.0.0.1:8444")->required();
  f->add_option("--user", fetch.user, "the user's MC service ID URI (the IdMS username)")
      ->required();
  f->add_option("--password-file", fetch.password_file, "file whose first line is the password")
      ->required();
  f->add_option("--ca", fetch.ca, "PEM trust anchor for the IdMS (and the KMS unless --kms-ca)")
      ->required();
  f->add_option("--kms-ca", fetch.kms_ca, "PEM trust anchor for the KMS");
  f->add_option("--out", fetch.out, "KmsResponse output file (mode 0600; default standard output)");
  f->add_option("--cert-out", fetch.cert_out, "also write the KmsCertificate here");
  f->callback([] { ExitCode() = Report(RunFetch(fetch)); });
}

}  // namespace kb::app
