// keybridge serve --role idms: the IdMS (TS 33.180 5.1.2, Annex B) over HTTPS (docs/idms.md).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <fstream>

#include "app/role_config.h"
#include "app/roles.h"
#include "core/ntp_time.h"
#include "idms/idms.h"
#include "idms/idms_http.h"
#include "store/sqlite_idms_store.h"

namespace kb::app {
namespace {

inline constexpr const char* kPublicKeyFile = "idms-public-key.pem";

Result<std::string> ReadPasswordFile(const std::filesystem::path& path) {
  std::ifstream f(path);
  if (!f) return Fail(Error::Io(fmt::format("cannot read {}", path.string())));
  std::string line;
  std::getline(f, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

Status Run(const RoleContext& ctx, int& code) {
  idms::IdmsOptions options;
  KB_TRY(options.issuer, Get<std::string>(ctx.config, "issuer", options.issuer));
  KB_TRY(options.audience, Get<std::vector<std::string>>(ctx.config, "audience", {"kms"}));
  KB_TRY(options.token_lifetime_seconds, Get<int64_t>(ctx.config, "token_lifetime", 3600));
  KB_TRY(int log2_n, Get<int>(ctx.config, "password_cost", 15));
  if (log2_n < 10 || log2_n > idms::kMaxLog2N)
    return Fail(Error::InvalidArgument("password_cost: 10..20"));
  options.password_cost.log2_n = static_cast<uint8_t>(log2_n);

  KB_TRY(auto signer, idms::JwtSigner::LoadOrCreate(ctx.data_dir / "idms-signing-key.pem"));
  {
    std::ofstream pub(ctx.data_dir / kPublicKeyFile, std::ios::trunc);
    pub << signer.PublicKeyPem();
  }
  KB_TRY(auto storage, NodeStorage(ctx));
  KB_TRY(auto store, store::SqliteIdmsStore::Open(storage));
  idms::Idms engine(options, *store, signer);

  // Accounts from the configuration, created when missing (an existing password stays).
  for (const auto& u : ctx.config["users"]) {
    KB_TRY(std::string name, Get<std::string>(u, "username", ""));
    KB_TRY(std::string password, Get<std::string>(u, "password", ""));
    KB_TRY(std::string password_file, Get<std::string>(u, "password_file", ""));
    if (!password_file.empty()) {
      KB_TRY(password, ReadPasswordFile(ConfigPath(ctx, password_file)));
    }
    KB_TRY(auto scopes, Get<std::vector<std::string>>(u, "scopes", {idms::kKmsScope}));
    KB_TRY(bool service, Get<bool>(u, "service", false));
    if (name.empty() || password.empty())
      return Fail(Error::InvalidArgument("users: username and password needed"));
    if (auto st = engine.ProvisionIfMissing(name, password, scopes, service); !st) {
      return Fail(st.error().Within(fmt::format("users: {}", name)));
    }
  }

  KB_TRY(auto server_options, ServerOptions(ctx, 8443));
  net::HttpRouter router;
  idms::AddIdmsRoutes(router, engine, [] { return NtpTime::Now().unix_seconds(); });
  auto counters = std::make_shared<HttpCounters>();
  KB_TRY(auto server,
         net::HttpsServer::Start(server_options, CountingRouter(std::move(router), counters)));
  size_t accounts = 0;
  if (auto subjects = store->Subjects()) accounts = subjects->size();
  code = ServeUntilStopped(ctx, *server, fmt::format("IdMS {}", options.issuer), [&] {
    nlohmann::json c = counters->ToJson();
    c["accounts"] = accounts;
    return c;
  });
  return Ok();
}

}  // namespace

int RunIdmsRole(const RoleContext& ctx) {
  int code = 0;
  if (auto st = Run(ctx, code); !st) {
    spdlog::error("idms: {}", st.error().ToString());
    return 1;
  }
  return code;
}

}  // namespace kb::app
