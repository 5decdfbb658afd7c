// keybridge iwf distribute-root-keys: the IWF's LMR root key distribution through the users'
// profiles on the CMS (keybridge extension for the seed pCR of TS 23.283 "user root key
// distribution"; docs/root-key-distribution.md).
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "app/commands.h"
#include "app/input.h"
#include "app/output.h"
#include "app/roles.h"
#include "capture/pcap_tap.h"
#include "crypto/eccsi.h"
#include "crypto/sakke.h"
#include "iwf/root_key_distributor.h"
#include "kms/at_rest.h"
#include "kms/user_key_check.h"
#include "kms/user_key_documents.h"
#include "kms_client/kms_client.h"
#include "mikey/community.h"

namespace kb::app {
namespace {

namespace fs = std::filesystem;

struct DistributeFlags {
  std::string iwf = "sip:iwf@example.org";
  std::string idms, ca, password_file, cms, cms_ca, kms, kms_ca, kms_cert, keys;
  std::string data_dir = "data/iwf", storage_key_file, key_file, users_file;
  std::vector<std::string> users;
  bool all_lmr_aware = false, rotate = false;
  std::string lmr_type = "p25", algid = "0x84", key_name;
  uint32_t profile_index = 1;
  unsigned workers = 0;
  size_t batch = 256;
  std::string capture;  // append the HTTP exchanges to this pcap (docs/capture.md)
};

Result<std::string> FirstLineOf(const std::string& path) {
  std::ifstream f(path);
  if (!f) return Fail(Error::Io(fmt::format("cannot read {}", path)));
  std::string line;
  std::getline(f, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

// The IWF's KMS view and signer (from files, or fetched from the KMS with the token).
struct IwfKeys {
  kms::KmsCertificate cert;
  std::unique_ptr<crypto::sakke::Community> sakke;
  mikey::KmsPublicKeys pub;
  std::unique_ptr<crypto::eccsi::Signer> signer;
  uint64_t period = 0;
};

Result<std::unique_ptr<IwfKeys>> LoadIwfKeys(const DistributeFlags& f, const std::string& token,
                                             NtpTime now) {
  auto k = std::make_unique<IwfKeys>();
  std::vector<kms::KmsKeySet> sets;
  if (!f.keys.empty()) {
    if (f.kms_cert.empty()) return Fail(Error::InvalidArgument("--keys needs --kms-cert"));
    KB_TRY(std::string cert_xml, ReadInput(f.kms_cert));
    KB_TRY(k->cert, kms::LoadKmsCertificate(cert_xml));
    KB_TRY(std::string keys_xml, ReadInput(f.keys));
    KB_TRY(sets, kms::LoadKmsKeySets(keys_xml));
    for (const auto& s : sets) KB_CHECK(kms::CheckKeySet(k->cert, s));
  } else if (!f.kms.empty()) {
    net::HttpsClientOptions tls;
    tls.ca_file = f.kms_ca.empty() ? f.ca : f.kms_ca;
    KB_TRY(auto fetched, kms_client::FetchKeys(tls, f.kms, token, f.iwf, now));
    k->cert = std::move(fetched.certificate);
    sets = std::move(fetched.key_sets);
  } else {
    return Fail(Error::InvalidArgument("the IWF's keys: --keys and --kms-cert, or --kms"));
  }
  KB_TRY(auto community, crypto::sakke::Community::Create(k->cert.pub_enc_key));
  k->sakke = std::make_unique<crypto::sakke::Community>(std::move(community));
  k->pub = mikey::KmsPublicKeys{k->cert.kms_uri, k->cert.pub_enc_key, k->cert.pub_auth_key,
                                k->cert.key_period, k->sakke.get()};
  k->period = k->cert.key_period.NumberAt(now);
  KB_TRY(const kms::KmsKeySet& mine, kms::SelectKeySet(sets, f.iwf, k->period));
  crypto::Uid uid = k->pub.UidAt(mine.user_uri, now);
  KB_TRY(auto signer,
         crypto::eccsi::Signer::Create(
             k->cert.pub_auth_key, uid,
             crypto::eccsi::UserKeys{mine.user_signing_key_ssk.Clone(), mine.user_pub_token_pvt}));
  k->signer = std::make_unique<crypto::eccsi::Signer>(std::move(signer));
  return k;
}

// A progress bar on a terminal, plain lines otherwise.
class Progress {
 public:
  explicit Progress(size_t total) : total_(total), tty_(::isatty(STDERR_FILENO) == 1) {
    start_ = std::chrono::steady_clock::now();
    step_ = std::max<size_t>(1, total / 20);
  }
  void Update(const iwf::DistributionReport& r) {
    size_t done = r.distributed + r.skipped + r.failed + r.journalled;
    if (r.failed > failed_seen_) {
      const auto& f = r.failures.back();
      std::fprintf(stderr, "%sfailed: %s: %s\n", tty_ ? "\r\033[K" : "", f.user.c_str(),
                   f.error.c_str());
      failed_seen_ = r.failed;
    }
    auto now = std::chrono::steady_clock::now();
    double secs = std::chrono::duration<double>(now - start_).count();
    double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
    if (tty_) {
      if (done != total_ && now - last_ < std::chrono::milliseconds(100)) return;
      last_ = now;
      size_t width = 30, filled = total_ == 0 ? width : done * width / total_;
      std::fprintf(stderr, "\r[%s%s] %zu/%zu %.0f/s  new %zu  current %zu  failed %zu",
                   std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(), done,
                   total_, rate, r.distributed, r.skipped + r.journalled, r.failed);
      if (done == total_) std::fputc('\n', stderr);
    } else if (done % step_ == 0 || done == total_) {
      std::fprintf(stderr, "progress %zu/%zu (%.0f/s): new %zu, current %zu, failed %zu\n", done,
                   total_, rate, r.distributed, r.skipped + r.journalled, r.failed);
    }
  }

 private:
  size_t total_;
  bool tty_;
  size_t step_ = 1, failed_seen_ = 0;
  std::chrono::steady_clock::time_point start_, last_;
};

Status RunDistribute(const DistributeFlags& f) {
  NtpTime now = NtpTime::Now();
  if (!f.capture.empty()) {
    KB_TRY(auto tap, capture::PcapTap::Open(f.capture));
    capture::SetGlobalTap(std::shared_ptr<capture::PcapTap>(std::move(tap)));
  }
  if (f.idms.empty() || f.password_file.empty() || f.cms.empty()) {
    return Fail(Error::InvalidArgument("--idms, --password-file and --cms are required"));
  }
  net::HttpsClientOptions idms_tls;
  idms_tls.ca_file = f.ca;
  KB_TRY(std::string password, FirstLineOf(f.password_file));
  auto login = [idms_tls, f, password]() {
    return kms_client::Login(idms_tls, f.idms, f.iwf, password);
  };
  KB_TRY(std::string token, login());
  KB_TRY(auto keys, LoadIwfKeys(f, token, now));

  net::HttpsClientOptions cms_tls;
  cms_tls.ca_file = f.cms_ca.empty() ? f.ca : f.cms_ca;
  iwf::HttpsXcapTransport xcap(f.cms, cms_tls, token, login);

  std::vector<std::string> users = f.users;
  if (!f.users_file.empty()) {
    KB_TRY(std::string text, ReadInput(f.users_file));
    size_t pos = 0;
    while (pos < text.size()) {
      size_t nl = text.find('\n', pos);
      std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
      pos = nl == std::string::npos ? text.size() : nl + 1;
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      if (!line.empty() && line[0] != '#') users.push_back(line);
    }
  }
  if (f.all_lmr_aware) {
    KB_TRY(auto aware, iwf::ListLmrAwareUsers(xcap));
    users.insert(users.end(), aware.begin(), aware.end());
  }
  if (users.empty()) {
    return Fail(Error::InvalidArgument("no users: --user, --users-file or --all-lmr-aware"));
  }

  iwf::DistributorOptions o;
  o.data_dir = f.data_dir;
  o.rotate = f.rotate;
  KB_TRY(o.lmr_type, mikey::ParseLmrType(f.lmr_type));
  {
    unsigned long v = 0;
    try {
      v = std::stoul(f.algid, nullptr, 0);
    } catch (...) {
      v = 0x100;
    }
    if (v > 0xFF) return Fail(Error::InvalidArgument("--algid: 0x00..0xFF"));
    o.algid = static_cast<uint8_t>(v);
  }
  o.key_name = f.key_name;
  o.profile_index = f.profile_index;
  o.workers = f.workers;
  o.batch = f.batch;
  if (!f.key_file.empty()) {
    KB_TRY(std::string text, ReadInput(f.key_file));
    KB_TRY(auto records, iwf::ParseRootKeyFile(text));
    o.key_file_records = std::move(records);
  } else {
    std::error_code ec;
    fs::create_directories(f.data_dir, ec);
    fs::permissions(f.data_dir, fs::perms::owner_all, ec);
    fs::path key_path = f.storage_key_file.empty() ? fs::path(f.data_dir) / "iwf-storage.key"
                                                   : fs::path(f.storage_key_file);
    KB_TRY(o.storage_key, kms::LoadStorageKey(key_path, /*create=*/true));
  }
  static std::atomic<bool> stop{false};
  InstallStopSignals(&stop);
  o.stop = &stop;

  iwf::DistributorIdentity identity{{f.iwf, &keys->pub, keys->signer.get(), keys->period},
                                    &keys->pub};
  Progress bar(users.size());
  KB_TRY(auto report, iwf::DistributeRootKeys(users, identity, xcap, o,
                                              [&bar](const auto& r) { bar.Update(r); }));
  size_t done = report.distributed + report.skipped;
  std::printf(
      "run %s%s: %zu users: %zu distributed, %zu already current, %zu done earlier in this run, "
      "%zu failed; %.2f s (%.1f users/s)\n",
      report.run_id.c_str(), report.resumed ? " (resumed)" : "", report.total, report.distributed,
      report.skipped, report.journalled, report.failed, report.seconds,
      report.seconds > 0 ? static_cast<double>(done) / report.seconds : 0.0);
  if (report.interrupted) {
    return Fail(
        Error::Io(fmt::format("interrupted: rerun the command to continue run {}", report.run_id)));
  }
  if (report.failed > 0) {
    return Fail(Error::Io(
        fmt::format("{} user(s) failed; rerun the command to retry them (run {} continues)",
                    report.failed, report.run_id)));
  }
  return Ok();
}

}  // namespace

void RegisterIwfCommands(CLI::App& app) {
  auto* iwf = app.add_subcommand("iwf", "IWF tools: LMR root key distribution");
  iwf->require_subcommand(1);
  static DistributeFlags d;
  auto* c = iwf->add_subcommand(
      "distribute-root-keys",
      "encrypt each user's LMR root key to the user (MIKEY-SAKKE, keybridge extension) and put "
      "it in the user's profile on the CMS; resumable and idempotent");
  c->add_option("--iwf", d.iwf, "the IWF's identity (IdMS username, MIKEY initiator)")
      ->capture_default_str();
  c->add_option("--idms", d.idms, "IdMS base URL, e.g. https://127.0.0.1:8443")->required();
  c->add_option("--ca", d.ca, "PEM trust anchor for the IdMS (and the others unless given)")
      ->required();
  c->add_option("--password-file", d.password_file, "file whose first line is the IWF password")
      ->required();
  c->add_option("--cms", d.cms, "CMS base URL, e.g. https://127.0.0.1:8445")->required();
  c->add_option("--cms-ca", d.cms_ca, "PEM trust anchor for the CMS");
  c->add_option("--kms", d.kms, "KMS base URL: fetch the IWF's keys (else --keys/--kms-cert)");
  c->add_option("--kms-ca", d.kms_ca, "PEM trust anchor for the KMS");
  c->add_option("--keys", d.keys, "the IWF's KmsResponse/KmsKeySet file (keybridge kms fetch)");
  c->add_option("--kms-cert", d.kms_cert, "the KmsCertificate file");
  c->add_option("--data-dir", d.data_dir, "journal, sealed root keys, storage key")
      ->capture_default_str();
  c->add_option("--storage-key", d.storage_key_file,
                "storage key file (default DATA_DIR/iwf-storage.key, created 0600)");
  c->add_option("--user", d.users, "a user's MC ID (repeatable)");
  c->add_option("--users-file", d.users_file, "a file of MC IDs, one per line");
  c->add_flag("--all-lmr-aware", d.all_lmr_aware, "every user whose profile names an LMR KMF");
  c->add_flag("--rotate", d.rotate, "a new root key (rotation serial + 1) for each user");
  c->add_option("--key-file", d.key_file, "root keys from this file instead of generating them");
  c->add_option("--lmr-type", d.lmr_type, "p25 or tetra (generated keys)")->capture_default_str();
  c->add_option("--algid", d.algid, "ALGID of generated keys")->capture_default_str();
  c->add_option("--key-name", d.key_name, "key name of generated keys (default UKEK-<serial>)");
  c->add_option("--profile-index", d.profile_index, "user-profile-<index>.xml")
      ->capture_default_str();
  c->add_option("--workers", d.workers, "worker threads (default: the number of cores)");
  c->add_option("--batch", d.batch, "users per journal sync")->capture_default_str();
  c->add_option("--capture", d.capture,
                "append the HTTP exchanges to this pcap file, as `serve --capture` does");
  c->callback([] { ExitCode() = Report(RunDistribute(d)); });
}

}  // namespace kb::app
