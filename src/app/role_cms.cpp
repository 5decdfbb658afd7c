// keybridge serve --role cms: the configuration management server (TS 24.484 6, RFC 4825 XCAP
// over HTTPS, RFC 5875 xcap-diff over SIP SUBSCRIBE/NOTIFY) with the LMR root key element
// rules (docs/cms.md).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <fstream>
#include <thread>

#include "app/node_status.h"
#include "app/role_config.h"
#include "app/roles.h"
#include "cms_service/cms_service.h"
#include "cms_service/xcap_diff_notifier.h"
#include "core/ntp_time.h"
#include "idms/jwt.h"
#include "net/http_client.h"
#include "net/sip_stack.h"
#include "net/tls_identity.h"
#include "store/sqlite_cms_store.h"

namespace kb::app {
namespace {

namespace fs = std::filesystem;

int64_t UnixNow() { return NtpTime::Now().unix_seconds(); }

Result<std::string> ReadText(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Fail(Error::Io(fmt::format("cannot read {}", path.string())));
  return std::string((std::istreambuf_iterator<char>(f)), {});
}

// The IdMS token verifier (as the KMS does it): public key file, or JWKS over HTTPS.
Result<idms::JwtVerifier> Verifier(const RoleContext& ctx) {
  YAML::Node c = ctx.config["idms"];
  KB_TRY(std::string issuer, Get<std::string>(c, "issuer", "https://idms.example.org"));
  KB_TRY(std::string audience, Get<std::string>(c, "audience", "cms"));
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

// "address:port" -> (address, port)
Result<std::pair<std::string, uint16_t>> HostPort(const std::string& text, const char* key) {
  size_t colon = text.rfind(':');
  uint16_t port = 0;
  if (colon == std::string::npos ||
      std::from_chars(text.data() + colon + 1, text.data() + text.size(), port).ec != std::errc()) {
    return Fail(Error::InvalidArgument(fmt::format("{}: expected address:port", key)));
  }
  return std::pair<std::string, uint16_t>(text.substr(0, colon), port);
}

Status Run(const RoleContext& ctx, int& code) {
  KB_TRY(auto verifier, Verifier(ctx));
  KB_TRY(auto storage, NodeStorage(ctx));  // SQLite: data_dir/cms.sqlite
  KB_TRY(auto store, store::SqliteCmsStore::Open(storage));
  cms_service::CmsServiceOptions options;
  KB_TRY(options.policy.iwf_identities,
         Get<std::vector<std::string>>(ctx.config, "iwf_identities", {}));
  KB_TRY(options.policy.administrators,
         Get<std::vector<std::string>>(ctx.config, "administrators", {}));
  cms_service::CmsService service(*store, verifier, options);

  KB_TRY(auto server_options, ServerOptions(ctx, 8445));
  // The SIP UA (SUBSCRIBE/NOTIFY, RFC 5875).
  YAML::Node sip = ctx.config["sip"];
  KB_TRY(std::string sip_listen, Get<std::string>(sip, "listen", "127.0.0.1:5080"));
  KB_TRY(auto sip_addr, HostPort(sip_listen, "sip.listen"));
  net::SipStackConfig sc;
  sc.bind_address = sip_addr.first;
  sc.udp_port = sip_addr.second;
  sc.tcp_port = sip_addr.second;
  sc.domain = "example.org";
  sc.user = "cms";
  cms_service::NotifierOptions no;
  KB_TRY(no.identity, Get<std::string>(sip, "identity", "sip:cms@example.org"));
  KB_TRY(no.default_expires, Get<uint32_t>(sip, "default_expires", 3600));
  KB_TRY(no.min_expires, Get<uint32_t>(sip, "min_expires", 60));
  KB_TRY(no.max_expires, Get<uint32_t>(sip, "max_expires", 86400));

  KB_TRY(auto stack, net::SipStack::Start(sc));
  no.contact = fmt::format("sip:cms@{}:{}", sip_addr.first, stack->udp_port());
  net::HttpRouter router;
  cms_service::AddCmsRoutes(router, service, UnixNow);
  KB_TRY(auto server, net::HttpsServer::Start(server_options, std::move(router)));
  std::string default_root = fmt::format("https://{}:{}{}", server_options.address, server->port(),
                                         cms_service::kXcapRootPath);
  KB_TRY(no.xcap_root_uri, Get<std::string>(ctx.config, "xcap_root_uri", default_root));
  auto notifier = std::make_unique<cms_service::XcapDiffNotifier>(*stack, service, no, UnixNow);
  // Subscriptions live in the node's database too: a restarted CMS keeps notifying them.
  KB_CHECK(notifier->UseStore(store.get()));
  // The listener is installed before the server takes requests that change documents only in
  // principle: a PUT racing with start-up is not notified (no subscription can exist yet).
  service.SetChangeListener(
      [n = notifier.get()](const cms_service::DocumentChange& c) { n->OnChange(c); });
  stack->SetRequestHandler(
      [n = notifier.get()](std::shared_ptr<net::IncomingRequest> r) { n->OnRequest(r); });

  spdlog::info("CMS XCAP root {} listening on port {} (TLS certificate {}); SIP {} on {}:{}",
               no.xcap_root_uri, server->port(), (ctx.data_dir / net::kTlsCertFile).string(),
               no.identity, sip_addr.first, stack->udp_port());
  auto last = std::chrono::steady_clock::now();
  while (ctx.stop == nullptr || !ctx.stop->load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (std::chrono::steady_clock::now() - last >= std::chrono::seconds(1)) {
      notifier->ExpireDue();
      last = std::chrono::steady_clock::now();
      const auto& c = notifier->counters();
      (void)WriteNodeStatus(ctx,
                            {{"subscriptions", notifier->active()},
                             {"subscribes", c.subscribes.load()},
                             {"notifies_sent", c.notifies_sent.load()},
                             {"notifies_failed", c.notifies_failed.load()}},
                            {fmt::format("https://{}:{}", server_options.address, server->port()),
                             fmt::format("sip://{}:{}", sip_addr.first, stack->udp_port())});
    }
  }
  spdlog::info("CMS stopping");
  server->Stop();
  // No "terminated" NOTIFYs: the subscriptions are durable and continue after a restart
  // (docs/cms.md "Subscriptions across a restart"); they end by expiry or by the subscriber.
  service.SetChangeListener(nullptr);
  notifier->DetachStore();  // NOTIFYs failing with the stack do not end durable subscriptions
  stack.reset();            // before the notifier: pending NOTIFY callbacks refer to it
  notifier.reset();
  code = 0;
  return Ok();
}

}  // namespace

int RunCmsRole(const RoleContext& ctx) {
  int code = 0;
  if (auto st = Run(ctx, code); !st) {
    spdlog::error("cms: {}", st.error().ToString());
    return 1;
  }
  return code;
}

}  // namespace kb::app
