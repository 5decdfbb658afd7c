// keybridge serve --role kms: the KMS (TS 33.180 5.3, Annex D) over HTTPS (docs/idms.md, "KMS").
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <fstream>

#include "app/role_config.h"
#include "app/roles.h"
#include "idms/idms.h"
#include "kms/at_rest.h"
#include "kms/community.h"
#include "kms_service/kms_service.h"
#include "net/http_client.h"
#include "store/sqlite_kms_store.h"

namespace kb::app {
namespace {

namespace fs = std::filesystem;

// The community in data_dir/community, created on first start from the configuration.
Result<kms::Community> OpenCommunity(const RoleContext& ctx, const SecretBytes& storage_key) {
  fs::path dir = ctx.data_dir / "community";
  std::error_code ec;
  if (fs::exists(dir / kms::kCertificateFile, ec)) return kms::Community::Load(dir, storage_key);
  kms::CommunityOptions o;
  KB_TRY(o.kms_uri, Get<std::string>(ctx.config, "kms_uri", ""));
  if (o.kms_uri.empty()) return Fail(Error::InvalidArgument("kms_uri is required"));
  KB_TRY(o.key_period.length_seconds, Get<uint64_t>(ctx.config, "key_period", 2592000));
  KB_TRY(o.key_period.offset_seconds, Get<uint64_t>(ctx.config, "key_offset", 0));
  KB_TRY(unsigned years, Get<unsigned>(ctx.config, "valid_years", 5));
  KB_TRY(o.kms_domains, Get<std::vector<std::string>>(ctx.config, "kms_domains", {}));
  o.valid_from = NtpTime::Now();
  o.valid_to = NtpTime::FromSeconds(o.valid_from.seconds() + uint64_t{years} * 365 * 86400);
  KB_TRY(auto community, kms::Community::Create(o));
  KB_CHECK(community.Save(dir, storage_key));
  spdlog::info("KMS community {} created (master secrets sealed)", o.kms_uri);
  return community;
}

Result<std::string> ReadText(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Fail(Error::Io(fmt::format("cannot read {}", path.string())));
  return std::string((std::istreambuf_iterator<char>(f)), {});
}

// The IdMS token verifier: from the IdMS public key file, or from its JWKS over HTTPS.
Result<idms::JwtVerifier> Verifier(const RoleContext& ctx) {
  YAML::Node c = ctx.config["idms"];
  KB_TRY(std::string issuer, Get<std::string>(c, "issuer", "https://idms.example.org"));
  KB_TRY(std::string audience, Get<std::string>(c, "audience", "kms"));
  KB_TRY(std::string key_file, Get<std::string>(c, "public_key_file", ""));
  if (!key_file.empty()) {
    KB_TRY(std::string pem, ReadText(ConfigPath(ctx, key_file)));
    return idms::JwtVerifier::FromPublicKeyPem(pem, issuer, audience);
  }
  KB_TRY(std::string jwks_url, Get<std::string>(c, "jwks_url", ""));
  KB_TRY(std::string ca, Get<std::string>(c, "ca", ""));
  if (jwks_url.empty())
    return Fail(Error::InvalidArgument("idms: public_key_file or jwks_url is required"));
  net::HttpsClientOptions tls;
  tls.ca_file = ConfigPath(ctx, ca);
  KB_TRY(auto res, net::HttpsRequest(tls, "GET", jwks_url));
  if (res.status != 200) return Fail(Error::Io(fmt::format("{}: HTTP {}", jwks_url, res.status)));
  return idms::JwtVerifier::FromJwks(res.body, issuer, audience);
}

Status Run(const RoleContext& ctx, int& code) {
  KB_TRY(std::string key_file, Get<std::string>(ctx.config, "storage_key_file", ""));
  fs::path key_path =
      key_file.empty() ? ctx.data_dir / "kms-storage.key" : ConfigPath(ctx, key_file);
  KB_TRY(SecretBytes storage_key, kms::LoadStorageKey(key_path, /*create=*/true));
  KB_TRY(auto community, OpenCommunity(ctx, storage_key));
  storage_key.Clear();
  KB_TRY(auto verifier, Verifier(ctx));
  KB_TRY(auto storage, NodeStorage(ctx));
  KB_TRY(auto store, store::SqliteKmsStore::Open(storage));

  kms_service::KmsServiceOptions options;
  KB_TRY(options.kms_id, Get<std::string>(ctx.config, "kms_id", ""));
  KB_TRY(options.required_scope, Get<std::string>(ctx.config, "required_scope", idms::kKmsScope));
  KB_TRY(auto externals, Get<std::vector<std::string>>(ctx.config, "external_certificates", {}));
  for (const auto& f : externals) {
    KB_TRY(std::string xml, ReadText(ConfigPath(ctx, f)));
    KB_TRY(auto cert, kms::ParseKmsCertificate(xml));
    options.external_certs.push_back(std::move(cert));
  }
  kms_service::KmsService service(community, verifier, store.get(), options);

  // The certificate next to the TLS material, for clients that fetch it out of band.
  {
    std::ofstream out(ctx.data_dir / kms::kCertificateFile, std::ios::trunc);
    out << community.CertificateXml();
  }
  KB_TRY(auto server_options, ServerOptions(ctx, 8444));
  net::HttpRouter router;
  kms_service::AddKmsRoutes(router, service, [] { return NtpTime::Now(); });
  auto counters = std::make_shared<HttpCounters>();
  KB_TRY(auto server,
         net::HttpsServer::Start(server_options, CountingRouter(std::move(router), counters)));
  code = ServeUntilStopped(ctx, *server, fmt::format("KMS {}", community.certificate().kms_uri),
                           [&] { return counters->ToJson(); });
  return Ok();
}

}  // namespace

int RunKmsRole(const RoleContext& ctx) {
  int code = 0;
  if (auto st = Run(ctx, code); !st) {
    spdlog::error("kms: {}", st.error().ToString());
    return 1;
  }
  return code;
}

}  // namespace kb::app
