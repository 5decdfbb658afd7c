// keybridge extension (seed pCR for TS 23.283 "user root key distribution"): the IWF's root key
// distributor: vault, journal, per-user GET / encrypt+sign / PUT with If-Match, worker threads.
#include "iwf/root_key_distributor.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "cms/user_profile.h"
#include "cms/xcap_uri.h"
#include "cms_service/cms_service.h"
#include "cms_service/xcap_https_client.h"
#include "core/encoding.h"
#include "crypto/aes.h"
#include "crypto/random.h"
#include "mikey/i_message.h"
#include "mikey/lmr_root_key_message.h"

namespace kb::iwf {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::string AsString(ByteView b) { return std::string(b.begin(), b.end()); }
ByteView AsBytes(std::string_view s) {
  return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size()) break;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

Result<uint32_t> Number(std::string_view t, uint32_t max, std::string_view what) {
  int base = 10;
  if (t.starts_with("0x") || t.starts_with("0X")) {
    t.remove_prefix(2);
    base = 16;
  }
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v, base);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size() || v > max) {
    return Fail(Error::Malformed(fmt::format("{}: '{}' is not a number up to {}", what, t, max)));
  }
  return static_cast<uint32_t>(v);
}

// Appends whole lines to a file and syncs on request.
class AppendFile {
 public:
  static Result<std::unique_ptr<AppendFile>> Open(const fs::path& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return Fail(Error::Io(fmt::format("cannot open {}", path.string())));
    auto f = std::unique_ptr<AppendFile>(new AppendFile());
    f->fd_ = fd;
    f->path_ = path;
    return f;
  }
  ~AppendFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  void Add(std::string line) {
    pending_ += line;
    pending_ += '\n';
  }
  Status Sync() {
    size_t off = 0;
    while (off < pending_.size()) {
      ssize_t n = ::write(fd_, pending_.data() + off, pending_.size() - off);
      if (n <= 0) return Fail(Error::Io(fmt::format("cannot write {}", path_.string())));
      off += static_cast<size_t>(n);
    }
    std::fill(pending_.begin(), pending_.end(), '\0');
    pending_.clear();
    if (::fdatasync(fd_) != 0) return Fail(Error::Io(fmt::format("fdatasync {}", path_.string())));
    return Ok();
  }

 private:
  AppendFile() = default;
  int fd_ = -1;
  fs::path path_;
  std::string pending_;
};

Result<std::string> ReadAll(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::string();
  std::ifstream f(path, std::ios::binary);
  if (!f) return Fail(Error::Io(fmt::format("cannot read {}", path.string())));
  return std::string((std::istreambuf_iterator<char>(f)), {});
}

std::string VaultKey(mikey::LmrType t, std::string_view user) {
  return fmt::format("{}|{}", static_cast<int>(t), user);
}

// The length of a generated root key for an ALGID (P25: TIA-102.BAAC; TETRA: 80-bit).
size_t GeneratedKeyBytes(mikey::LmrType t, uint8_t algid) {
  if (t == mikey::LmrType::kTetra) return 10;
  switch (algid) {
    case 0x81:
      return 8;
    case 0x82:
    case 0x85:
      return 16;
    case 0x83:
      return 24;
    case 0xAA:
      return 5;
    default:
      return 32;
  }
}

// The run state recovered from the journal.
struct RunState {
  std::string id;
  bool rotate = false;
  std::map<std::string, uint32_t> done;  // user -> serial
  std::set<std::string> rotated;         // users given a new key in this run
};

std::optional<RunState> OpenRun(std::string_view journal) {
  std::optional<RunState> run;
  size_t pos = 0;
  while (pos < journal.size()) {
    size_t nl = journal.find('\n', pos);
    if (nl == std::string_view::npos) break;  // a torn last line: ignored
    auto f = Fields(journal.substr(pos, nl - pos));
    pos = nl + 1;
    if (f.empty()) continue;
    if (f[0] == "run" && f.size() >= 3) {
      run = RunState{std::string(f[1]), f[2] == "1", {}, {}};
    } else if (f[0] == "end" && f.size() >= 2) {
      if (run && run->id == f[1]) run.reset();
    } else if (run && f.size() >= 4 && f[1] == run->id && (f[0] == "key" || f[0] == "done")) {
      auto user = FromHex(f[2]);
      auto serial = Number(f[3], 0xFFFFFFFF, "serial");
      if (!user || !serial) continue;
      if (f[0] == "key") {
        run->rotated.insert(AsString(*user));
      } else {
        run->done[AsString(*user)] = *serial;
      }
    }
  }
  return run;
}

std::string NodeSelectorPath(mikey::LmrType t) {
  // mcptt-user-profile/lrk:lmr-root-key[@lmr-type="P25"], each step percent-encoded.
  std::string type = t == mikey::LmrType::kP25 ? "P25" : "TETRA";
  return fmt::format(
      "{}/{}", cms::kUserProfileRoot,
      cms::PercentEncodeSegment(fmt::format("{}:{}[@lmr-type=\"{}\"]", cms::kLmrRootKeyPrefix,
                                            cms::kLmrRootKeyElement, type)));
}

std::string FirstLine(std::string_view s) {
  s = s.substr(0, s.find('\n'));
  return std::string(s.substr(0, 200));
}

// Whether a stored message was made in the key period in force now: the user opens it with the
// RSK of T's period, so a message from an earlier period is re-issued (same key and serial).
bool SameKeyPeriod(ByteView message, const mikey::KmsPublicKeys& kms, NtpTime now) {
  auto m = mikey::IMessage::Decode(message);
  if (!m) return false;
  const auto* t = m->Find<mikey::TimestampPayload>();
  return t != nullptr && kms.period.NumberAt(t->time()) == kms.period.NumberAt(now);
}

struct Timings {
  double crypto = 0, xcap = 0;
};

// One user: GET the element, skip when current, else encrypt + sign and PUT with If-Match.
UserResult ProcessUser(const std::string& user, const RootKeyRecord& rec,
                       const DistributorIdentity& id, XcapTransport& xcap,
                       const DistributorOptions& o, Timings& t) {
  UserResult r{user, UserOutcome::kFailed, rec.info.rotation_serial, ""};
  std::string target = RootKeyElementTarget(user, o.profile_index, rec.info.lmr_type);
  for (int attempt = 1; attempt <= std::max(o.max_attempts, 1); ++attempt) {
    auto t0 = Clock::now();
    auto got = xcap.Send("GET", target, {}, "", "");
    t.xcap += Seconds(Clock::now() - t0);
    if (!got) {
      r.error = "GET: " + got.error().message();
      return r;
    }
    std::string etag = got->Header("etag");
    if (got->status == 200) {
      auto el = cms::ParseLmrRootKeyElement(got->body);
      if (el && el->kid == rec.info.kid && el->rotation_serial == rec.info.rotation_serial &&
          el->algid == rec.info.algid && el->iwf_uri == id.iwf.uri &&
          SameKeyPeriod(el->i_message, *id.user_kms, o.clock())) {
        r.outcome = UserOutcome::kSkipped;
        return r;
      }
      if (el && el->rotation_serial > rec.info.rotation_serial) {
        r.error = fmt::format("the profile holds rotation serial {}, newer than the IWF's {}",
                              el->rotation_serial, rec.info.rotation_serial);
        return r;
      }
    } else if (got->status != 404 || etag.empty()) {
      r.error = got->status == 404
                    ? "no profile (404)"
                    : fmt::format("GET: HTTP {}: {}", got->status, FirstLine(got->body));
      return r;
    }

    auto t1 = Clock::now();
    mikey::RootKey root{rec.info, rec.key.Clone()};
    mikey::RootKeyCreateOptions co;
    co.now = o.clock();
    auto msg = mikey::CreateRootKeyIMessage(id.iwf, {user, id.user_kms}, root, co);
    t.crypto += Seconds(Clock::now() - t1);
    if (!msg) {
      r.error = "I_MESSAGE: " + msg.error().message();
      return r;
    }
    cms::LmrRootKeyElement el{rec.info.lmr_type,      rec.info.algid,           rec.info.kid,
                              rec.info.key_name,      rec.info.rotation_serial, id.iwf.uri,
                              std::move(msg->message)};
    auto xml = cms::SerializeLmrRootKeyElement(el);
    if (!xml) {
      r.error = "element: " + xml.error().message();
      return r;
    }
    auto t2 = Clock::now();
    auto put = xcap.Send("PUT", target, {{"if-match", etag}}, std::move(*xml),
                         cms_service::kXcapElementMime);
    t.xcap += Seconds(Clock::now() - t2);
    if (!put) {
      r.error = "PUT: " + put.error().message();
      return r;
    }
    if (put->status == 200 || put->status == 201) {
      r.outcome = UserOutcome::kDistributed;
      return r;
    }
    if (put->status != 412) {
      r.error = fmt::format("PUT: HTTP {}: {}", put->status, FirstLine(put->body));
      return r;
    }
    r.error = "PUT: 412 (the profile changed meanwhile) after the last attempt";
  }
  return r;
}

}  // namespace

// ---- transports ----

HttpsXcapTransport::HttpsXcapTransport(std::string base_url, net::HttpsClientOptions tls,
                                       std::string token,
                                       std::function<Result<std::string>()> relogin)
    : token_(std::move(token)), relogin_(std::move(relogin)) {
  auto c = cms_service::XcapHttpsClient::Create(base_url, std::move(tls));
  if (c) {
    client_ = std::move(*c);
  } else {
    client_error_ = c.error();
  }
}

HttpsXcapTransport::~HttpsXcapTransport() = default;

Result<net::HttpResponse> HttpsXcapTransport::Send(
    std::string_view method, std::string_view target,
    const std::map<std::string, std::string>& headers, std::string body,
    std::string_view content_type) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::map<std::string, std::string> h = headers;
    {
      std::lock_guard lock(mu_);
      h["Authorization"] = "Bearer " + token_;
    }
    if (!client_) return Fail(client_error_);
    KB_TRY(auto res, client_->Request(method, target, h, body, content_type));
    if (res.status != 401 || !relogin_ || attempt == 1) return res;
    KB_TRY(std::string fresh, relogin_());
    std::lock_guard lock(mu_);
    token_ = std::move(fresh);
  }
  return Fail(Error::Internal("unreachable"));
}

InProcessXcapTransport::InProcessXcapTransport(const cms_service::CmsService& service,
                                               std::string token, std::function<int64_t()> clock)
    : service_(service), token_(std::move(token)), clock_(std::move(clock)) {}

Result<net::HttpResponse> InProcessXcapTransport::Send(
    std::string_view method, std::string_view target,
    const std::map<std::string, std::string>& headers, std::string body,
    std::string_view content_type) {
  net::HttpRequest req;
  req.method = std::string(method);
  size_t q = target.find('?');
  req.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));
  for (const auto& [k, v] : headers) {
    std::string lower = k;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers[lower] = v;
  }
  req.headers["authorization"] = "Bearer " + token_;
  if (!content_type.empty()) req.headers["content-type"] = std::string(content_type);
  req.body = std::move(body);
  return service_.Handle(req, clock_());
}

// ---- vault ----

Result<std::unique_ptr<RootKeyVault>> RootKeyVault::Open(const fs::path& path,
                                                         SecretBytes storage_key) {
  if (storage_key.size() != 32) {
    return Fail(Error::InvalidArgument("root key vault: the storage key must be 32 octets"));
  }
  auto v = std::unique_ptr<RootKeyVault>(new RootKeyVault());
  v->path_ = path;
  v->storage_key_ = std::move(storage_key);
  KB_TRY(std::string text, ReadAll(path));
  size_t pos = 0, line_no = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) break;  // a torn last line (crash while appending): ignored
    std::string_view line(text.data() + pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    auto f = Fields(line);
    if (f.empty()) continue;
    auto bad = [&](std::string_view why) {
      return Fail(Error::Malformed(fmt::format("{} line {}: {}", path.string(), line_no, why)));
    };
    if (f.size() != 8 || f[0] != "rk1") return bad("not an rk1 record");
    size_t last_space = line.rfind(' ');
    std::string_view aad = line.substr(0, last_space);
    RootKeyRecord r;
    auto user = FromHex(f[1]);
    auto type = Number(f[2], 2, "lmr type");
    auto algid = Number(f[3], 0xFF, "algid");
    auto kid = Number(f[4], 0xFFFF, "kid");
    auto serial = Number(f[5], 0xFFFFFFFF, "serial");
    auto name = FromHex(f[6] == "-" ? "" : f[6]);
    auto sealed = FromHex(f[7]);
    if (!user || !type || !algid || !kid || !serial || !name || !sealed || sealed->size() < 28) {
      return bad("bad field");
    }
    r.user = AsString(*user);
    r.info.lmr_type = static_cast<mikey::LmrType>(*type);
    r.info.key_kind = mikey::RootKeyKindFor(r.info.lmr_type);
    r.info.algid = static_cast<uint8_t>(*algid);
    r.info.kid = static_cast<uint16_t>(*kid);
    r.info.rotation_serial = *serial;
    r.info.key_name = AsString(*name);
    ByteView s(*sealed);
    auto key =
        crypto::AesGcmOpen(v->storage_key_.Reveal(), s.subspan(0, 12), AsBytes(aad), s.subspan(12));
    if (!key) return bad("the record does not open under the storage key");
    r.key = std::move(*key);
    std::string k = VaultKey(r.info.lmr_type, r.user);
    v->current_.insert_or_assign(k, std::move(r));
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return Fail(Error::Io(fmt::format("cannot open {}", path.string())));
  v->fd_ = fd;
  return v;
}

RootKeyVault::~RootKeyVault() {
  if (fd_ >= 0) ::close(fd_);
}

const RootKeyRecord* RootKeyVault::Current(std::string_view user, mikey::LmrType t) const {
  auto it = current_.find(VaultKey(t, user));
  return it == current_.end() ? nullptr : &it->second;
}

Status RootKeyVault::Append(RootKeyRecord r) {
  std::string name_hex = r.info.key_name.empty() ? "-" : ToHex(AsBytes(r.info.key_name));
  std::string aad = fmt::format("rk1 {} {} 0x{:02x} 0x{:04x} {} {}", ToHex(AsBytes(r.user)),
                                static_cast<int>(r.info.lmr_type), r.info.algid, r.info.kid,
                                r.info.rotation_serial, name_hex);
  Bytes iv = crypto::RandomBytes(12);
  KB_TRY(Bytes ct, crypto::AesGcmSeal(storage_key_.Reveal(), iv, AsBytes(aad), r.key.Reveal()));
  iv.insert(iv.end(), ct.begin(), ct.end());
  pending_ += aad + " " + ToHex(iv) + "\n";
  std::string k = VaultKey(r.info.lmr_type, r.user);
  current_.insert_or_assign(k, std::move(r));
  return Ok();
}

Status RootKeyVault::Sync() {
  size_t off = 0;
  while (off < pending_.size()) {
    ssize_t n = ::write(fd_, pending_.data() + off, pending_.size() - off);
    if (n <= 0) return Fail(Error::Io(fmt::format("cannot write {}", path_.string())));
    off += static_cast<size_t>(n);
  }
  pending_.clear();
  if (::fdatasync(fd_) != 0) return Fail(Error::Io(fmt::format("fdatasync {}", path_.string())));
  return Ok();
}

// ---- key file ----

Result<std::vector<RootKeyRecord>> ParseRootKeyFile(std::string_view text) {
  std::vector<RootKeyRecord> out;
  size_t pos = 0, line_no = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line =
        text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    if (size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    auto f = Fields(line);
    if (f.empty()) continue;
    auto where = [&](const Error& e) {
      return Fail(Error::Malformed(fmt::format("key file line {}: {}", line_no, e.message())));
    };
    if (f.size() < 6 || f.size() > 7) {
      return where(Error::Malformed(
          "expected: <user> <p25|tetra> <algid> <kid> <serial> <key hex> [key name]"));
    }
    RootKeyRecord r;
    r.user = std::string(f[0]);
    auto type = mikey::ParseLmrType(f[1]);
    if (!type) return where(type.error());
    r.info.lmr_type = *type;
    r.info.key_kind = mikey::RootKeyKindFor(*type);
    auto algid = Number(f[2], 0xFF, "algid");
    if (!algid) return where(algid.error());
    auto kid = Number(f[3], 0xFFFF, "kid");
    if (!kid) return where(kid.error());
    auto serial = Number(f[4], 0xFFFFFFFF, "serial");
    if (!serial) return where(serial.error());
    auto key = FromHex(f[5], "key");
    if (!key) return where(key.error());
    r.info.algid = static_cast<uint8_t>(*algid);
    r.info.kid = static_cast<uint16_t>(*kid);
    r.info.rotation_serial = *serial;
    r.info.key_name = f.size() == 7 ? std::string(f[6]) : "";
    r.key = SecretBytes::Adopt(std::move(*key));
    if (auto st = mikey::CheckRootKeyInfo(r.info); !st) return where(st.error());
    if (auto st = mikey::CheckRootKeyLength(r.info, r.key.size()); !st) return where(st.error());
    out.push_back(std::move(r));
  }
  return out;
}

// ---- paths ----

std::string RootKeyElementTarget(std::string_view user, uint32_t profile_index,
                                 mikey::LmrType lmr_type) {
  return fmt::format("{}/{}/~~/{}?xmlns({}={})", cms_service::kXcapRootPath,
                     cms::UserProfileDocumentSelector(user, profile_index),
                     NodeSelectorPath(lmr_type), cms::kLmrRootKeyPrefix, cms::kLmrRootKeyNs);
}

Result<std::vector<std::string>> ListLmrAwareUsers(XcapTransport& xcap) {
  KB_TRY(auto res, xcap.Send("GET", cms_service::kLmrAwareUsersPath, {}, "", ""));
  if (res.status != 200) {
    return Fail(Error::Io(fmt::format("{}: HTTP {}: {}", cms_service::kLmrAwareUsersPath,
                                      res.status, FirstLine(res.body))));
  }
  try {
    auto j = nlohmann::json::parse(res.body);
    return j.at("users").get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception&) {
    return Fail(Error::Malformed("lmr-aware-users: not the expected JSON"));
  }
}

// ---- the run ----

Result<DistributionReport> DistributeRootKeys(const std::vector<std::string>& users_in,
                                              const DistributorIdentity& identity,
                                              XcapTransport& xcap, const DistributorOptions& o,
                                              const ProgressCallback& progress) {
  const auto started = Clock::now();
  if (identity.iwf.signer == nullptr || identity.user_kms == nullptr) {
    return Fail(
        Error::InvalidArgument("distributor: the IWF signer and the users' KMS are needed"));
  }
  std::error_code ec;
  fs::create_directories(o.data_dir, ec);
  const fs::path journal_path = o.data_dir / kJournalFile;
  KB_TRY(std::string journal_text, ReadAll(journal_path));
  std::optional<RunState> run = OpenRun(journal_text);
  const bool from_file = o.key_file_records.has_value();
  if (from_file && (o.rotate || (run && run->rotate))) {
    return Fail(
        Error::InvalidArgument("--rotate cannot be used with a key file (its serials rule)"));
  }
  KB_TRY(auto journal, AppendFile::Open(journal_path));

  DistributionReport report;
  if (run) {
    report.resumed = true;
    if (run->rotate != o.rotate) {
      spdlog::warn("continuing run {} with its own rotation choice ({})", run->id,
                   run->rotate ? "--rotate" : "no rotation");
    }
  } else {
    run = RunState{ToHex(crypto::RandomBytes(6)), o.rotate, {}, {}};
    journal->Add(
        fmt::format("run {} {} {}", run->id, run->rotate ? 1 : 0, NtpTime::Now().unix_seconds()));
    KB_CHECK(journal->Sync());
  }
  report.run_id = run->id;
  if (from_file && run->rotate) {
    return Fail(
        Error::InvalidArgument("--rotate cannot be used with a key file (its serials rule)"));
  }

  std::unique_ptr<RootKeyVault> vault;
  std::map<std::string, const RootKeyRecord*> file_keys;
  if (from_file) {
    for (const auto& r : *o.key_file_records) file_keys[r.user] = &r;
  } else {
    KB_TRY(vault, RootKeyVault::Open(o.data_dir / kVaultFile, o.storage_key.Clone()));
  }

  std::vector<std::string> users;
  {
    std::set<std::string> seen;
    for (const auto& u : users_in) {
      if (seen.insert(u).second) users.push_back(u);
    }
  }
  report.total = users.size();
  unsigned workers = o.workers != 0 ? o.workers : std::max(1u, std::thread::hardware_concurrency());
  std::mutex report_mu;
  auto record = [&](UserResult r) {
    std::lock_guard lock(report_mu);
    switch (r.outcome) {
      case UserOutcome::kDistributed:
        report.distributed++;
        break;
      case UserOutcome::kSkipped:
        report.skipped++;
        break;
      case UserOutcome::kJournalled:
        report.journalled++;
        break;
      case UserOutcome::kFailed:
        report.failed++;
        report.failures.push_back(r);
        break;
    }
    if (progress) progress(report);
  };

  const size_t batch = std::max<size_t>(o.batch, 1);
  for (size_t start = 0; start < users.size(); start += batch) {
    if (o.stop != nullptr && o.stop->load()) {
      report.interrupted = true;
      break;
    }
    size_t end = std::min(users.size(), start + batch);
    // Phase A (this thread): the root key of each user, durable before any PUT.
    auto ta = Clock::now();
    std::vector<const RootKeyRecord*> keys(end - start, nullptr);
    for (size_t i = start; i < end; ++i) {
      const std::string& u = users[i];
      if (run->done.contains(u)) {
        record({u, UserOutcome::kJournalled, run->done[u], ""});
        continue;
      }
      if (from_file) {
        auto it = file_keys.find(u);
        if (it == file_keys.end()) {
          record({u, UserOutcome::kFailed, 0, "not in the key file"});
          continue;
        }
        keys[i - start] = it->second;
        continue;
      }
      const RootKeyRecord* cur = vault->Current(u, o.lmr_type);
      if (cur == nullptr || (run->rotate && !run->rotated.contains(u))) {
        RootKeyRecord r;
        r.user = u;
        r.info.lmr_type = o.lmr_type;
        r.info.key_kind = mikey::RootKeyKindFor(o.lmr_type);
        r.info.algid = o.algid;
        r.info.rotation_serial = cur == nullptr ? 1 : cur->info.rotation_serial + 1;
        r.info.kid = static_cast<uint16_t>((r.info.rotation_serial - 1) % 0xFFFF + 1);
        r.info.key_name =
            o.key_name.empty() ? fmt::format("UKEK-{}", r.info.rotation_serial) : o.key_name;
        r.key = crypto::RandomSecret(GeneratedKeyBytes(o.lmr_type, o.algid));
        if (auto st = mikey::CheckRootKeyLength(r.info, r.key.size()); !st) return Fail(st.error());
        uint32_t serial = r.info.rotation_serial;
        KB_CHECK(vault->Append(std::move(r)));
        journal->Add(fmt::format("key {} {} {}", run->id, ToHex(AsBytes(u)), serial));
        run->rotated.insert(u);
        cur = vault->Current(u, o.lmr_type);
      }
      keys[i - start] = cur;
    }
    if (vault) KB_CHECK(vault->Sync());
    KB_CHECK(journal->Sync());
    report.journal_seconds += Seconds(Clock::now() - ta);

    // Phase B (workers): GET, encrypt + sign, PUT.
    std::vector<UserResult> results(end - start);
    std::atomic<size_t> next{0};
    std::mutex timing_mu;
    auto work = [&] {
      Timings t;
      for (size_t i; (i = next.fetch_add(1)) < end - start;) {
        if (keys[i] == nullptr) continue;
        results[i] = ProcessUser(users[start + i], *keys[i], identity, xcap, o, t);
        record(results[i]);
      }
      std::lock_guard lock(timing_mu);
      report.crypto_seconds += t.crypto;
      report.xcap_seconds += t.xcap;
    };
    std::vector<std::thread> threads;
    for (unsigned w = 1; w < std::min<size_t>(workers, end - start); ++w)
      threads.emplace_back(work);
    work();
    for (auto& th : threads) th.join();

    // Phase C: the journal.
    auto tc = Clock::now();
    for (size_t i = 0; i < results.size(); ++i) {
      const UserResult& r = results[i];
      if (keys[i] == nullptr) continue;
      if (r.outcome == UserOutcome::kDistributed || r.outcome == UserOutcome::kSkipped) {
        journal->Add(fmt::format("done {} {} {} {}", run->id, ToHex(AsBytes(r.user)), r.serial,
                                 r.outcome == UserOutcome::kDistributed ? "ok" : "skipped"));
        run->done[r.user] = r.serial;
      }
    }
    KB_CHECK(journal->Sync());
    report.journal_seconds += Seconds(Clock::now() - tc);
  }
  if (!report.interrupted && report.failed == 0) {
    journal->Add(fmt::format("end {}", run->id));
    KB_CHECK(journal->Sync());
  }
  report.seconds = Seconds(Clock::now() - started);
  return report;
}

}  // namespace kb::iwf
