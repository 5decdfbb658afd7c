// keybridge extension (seed pCR for TS 23.283 "user root key distribution"; NOT 3GPP): the
// IWF's distributor of LMR root keys. Per user it encrypts the root key to the user's MC
// identity (mikey/lmr_root_key_message.h, TS 33.180 SAKKE + ECCSI) and PUTs the lmr-root-key
// element into the user's profile on the CMS (RFC 4825 XCAP, If-Match). Resumable (journal),
// idempotent (the profile's KID and rotation serial are compared), with rotation. The design and
// the file formats: docs/root-key-distribution.md.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/ntp_time.h"
#include "core/secret.h"
#include "mikey/i_message_builder.h"
#include "mikey/lmr_root_key_extension.h"
#include "net/http_client.h"
#include "net/http_message.h"

namespace kb::cms_service {
class CmsService;
class XcapHttpsClient;
}  // namespace kb::cms_service

namespace kb::iwf {

// ---- XCAP transport -------------------------------------------------------------------------

// Sends one XCAP request. target is the HTTP path and query (e.g. "/xcap-root/org.3gpp...").
class XcapTransport {
 public:
  virtual ~XcapTransport() = default;
  virtual Result<net::HttpResponse> Send(std::string_view method, std::string_view target,
                                         const std::map<std::string, std::string>& headers,
                                         std::string body, std::string_view content_type) = 0;
};

// XCAP over HTTPS with an IdMS access token, on kept-alive connections
// (cms_service::XcapHttpsClient: one TLS handshake per connection, not per request).
class HttpsXcapTransport final : public XcapTransport {
 public:
  // base_url: "https://127.0.0.1:8445" (no path). relogin (optional) gives a fresh token when the
  // CMS answers 401 (a token expiring during a long run).
  HttpsXcapTransport(std::string base_url, net::HttpsClientOptions tls, std::string token,
                     std::function<Result<std::string>()> relogin = {});
  ~HttpsXcapTransport() override;
  Result<net::HttpResponse> Send(std::string_view method, std::string_view target,
                                 const std::map<std::string, std::string>& headers,
                                 std::string body, std::string_view content_type) override;

 private:
  std::unique_ptr<cms_service::XcapHttpsClient> client_;
  Error client_error_ = Error::Internal("no client");
  std::mutex mu_;
  std::string token_;
  std::function<Result<std::string>()> relogin_;
};

// XCAP straight into a CmsService in this process (tests and the benchmark): the same
// handler the HTTPS server runs, without the sockets.
class InProcessXcapTransport final : public XcapTransport {
 public:
  InProcessXcapTransport(const cms_service::CmsService& service, std::string token,
                         std::function<int64_t()> clock);
  Result<net::HttpResponse> Send(std::string_view method, std::string_view target,
                                 const std::map<std::string, std::string>& headers,
                                 std::string body, std::string_view content_type) override;

 private:
  const cms_service::CmsService& service_;
  std::string token_;
  std::function<int64_t()> clock_;
};

// ---- root keys ------------------------------------------------------------------------------

// A user's root key as the IWF keeps it.
struct RootKeyRecord {
  std::string user;
  mikey::RootKeyInfo info;
  SecretBytes key;
};

// The IWF's root keys, sealed at rest: an append-only file, one AES-256-GCM sealed record per
// line under the IWF storage key; the last record of a user (per LMR type) is current.
// Thread-compatible (the distributor uses it from one thread).
class RootKeyVault {
 public:
  // Opens (or creates, mode 0600) path; every line must open under storage_key (32 octets).
  static Result<std::unique_ptr<RootKeyVault>> Open(const std::filesystem::path& path,
                                                    SecretBytes storage_key);
  ~RootKeyVault();
  // The current record of user for lmr_type, or null.
  const RootKeyRecord* Current(std::string_view user, mikey::LmrType lmr_type) const;
  // Appends (buffered) and makes it current.
  Status Append(RootKeyRecord record);
  // Writes the buffered records and fdatasyncs the file.
  Status Sync();
  size_t size() const { return current_.size(); }

 private:
  RootKeyVault() = default;
  std::filesystem::path path_;
  SecretBytes storage_key_;
  int fd_ = -1;
  std::string pending_;
  std::map<std::string, RootKeyRecord, std::less<>> current_;  // key: lmr type | user
};

// Root keys from an operator's key file (docs/root-key-distribution.md "Key file"): one line per
// user: `<user> <p25|tetra> <algid> <kid> <serial> <key hex> [key name]`; '#' starts a comment.
Result<std::vector<RootKeyRecord>> ParseRootKeyFile(std::string_view text);

// ---- the distributor ------------------------------------------------------------------------

struct DistributorOptions {
  std::filesystem::path data_dir;  // journal and vault live here
  SecretBytes storage_key;         // seals the vault (ignored with key_file_records)
  // Root keys from a key file instead of the vault (no generation, no rotation).
  std::optional<std::vector<RootKeyRecord>> key_file_records;
  bool rotate = false;  // a new root key (serial + 1) for every selected user
  // Generated keys: LMR type, ALGID (its key length) and name ("UKEK-<serial>" when empty).
  mikey::LmrType lmr_type = mikey::LmrType::kP25;
  uint8_t algid = 0x84;
  std::string key_name;
  uint32_t profile_index = 1;  // user-profile-<index>.xml
  unsigned workers = 0;        // crypto + XCAP threads (0: the number of cores)
  size_t batch = 256;          // users per journal sync
  int max_attempts = 3;        // per user, on 412 (someone else changed the profile)
  std::function<NtpTime()> clock = [] { return NtpTime::Now(); };
  const std::atomic<bool>* stop = nullptr;  // finish the batch and return when set
};

// The IWF's identity (initiator) and the users' KMS (responders).
struct DistributorIdentity {
  mikey::Initiator iwf;                            // uri, KMS, signer for the current period
  const mikey::KmsPublicKeys* user_kms = nullptr;  // the users' community
};

enum class UserOutcome { kDistributed, kSkipped, kFailed, kJournalled };

struct UserResult {
  std::string user;
  UserOutcome outcome = UserOutcome::kFailed;
  uint32_t serial = 0;
  std::string error;  // for kFailed
};

struct DistributionReport {
  std::string run_id;
  bool resumed = false;
  bool interrupted = false;
  size_t total = 0, distributed = 0, skipped = 0, failed = 0, journalled = 0;
  std::vector<UserResult> failures;
  double seconds = 0;
  // Where the time went (summed over the workers, seconds).
  double crypto_seconds = 0, xcap_seconds = 0, journal_seconds = 0;
};

// Progress after each user: done so far, of total.
using ProgressCallback = std::function<void(const DistributionReport& so_far)>;

// Distributes to users (MC IDs). The journal (data_dir/root-key-distribution.journal) records
// the run; a run that did not finish (interrupted, or some user failed) is continued by the
// next call, whatever its options say about rotation (the run's own choice is kept).
Result<DistributionReport> DistributeRootKeys(const std::vector<std::string>& users,
                                              const DistributorIdentity& identity,
                                              XcapTransport& xcap,
                                              const DistributorOptions& options,
                                              const ProgressCallback& progress = {});

// The XCAP path (with the xmlns() query) of a user's root key element of that LMR type.
std::string RootKeyElementTarget(std::string_view user, uint32_t profile_index,
                                 mikey::LmrType lmr_type);
// GET kLmrAwareUsersPath: the users whose profiles name an LMR KMF.
Result<std::vector<std::string>> ListLmrAwareUsers(XcapTransport& xcap);

// File names in data_dir.
inline constexpr const char* kJournalFile = "root-key-distribution.journal";
inline constexpr const char* kVaultFile = "root-keys.sealed";

}  // namespace kb::iwf
