// keybridge extension (NOT 3GPP): the client's root key agent over real sockets on 127.0.0.1:
// IdMS login and KMS keys over HTTPS (TS 33.180 Annex B/D), SUBSCRIBE xcap-diff (RFC 5875) to
// a stand-in CMS, NOTIFY -> XCAP GET of the profile -> root key installed; then a profile whose
// root key is signed by someone who is not an authorised IWF is refused and changes nothing.
#include "client/root_key_agent.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

#include "client/client_fixture.h"
#include "cms/user_profile.h"
#include "cms/xcap_uri.h"
#include "crypto/eccsi.h"
#include "crypto/random.h"
#include "idms/idms.h"
#include "idms/idms_http.h"
#include "idms/idms_store.h"
#include "kms/community.h"
#include "kms_service/kms_service.h"
#include "net/http_server.h"
#include "net/tls_identity.h"

namespace kb::client {
namespace {

namespace fs = std::filesystem;
using testing::kAlice;
using testing::kAliceRsi;
using testing::kIwf;
using testing::kKmfRsi;
using testing::kMallory;

class MemoryIdmsStore final : public idms::IdmsStore {
 public:
  Result<std::optional<idms::Account>> Find(std::string_view s) override {
    std::lock_guard l(mu_);
    auto it = accounts_.find(std::string(s));
    if (it == accounts_.end()) return std::optional<idms::Account>();
    return std::optional<idms::Account>(it->second);
  }
  Status Put(const idms::Account& a) override {
    std::lock_guard l(mu_);
    accounts_[a.subject] = a;
    return Ok();
  }
  Result<std::vector<std::string>> Subjects() override {
    std::lock_guard l(mu_);
    std::vector<std::string> out;
    for (auto& [k, v] : accounts_) out.push_back(k);
    return out;
  }

 private:
  std::mutex mu_;
  std::map<std::string, idms::Account> accounts_;
};

bool WaitFor(const std::function<bool()>& cond) {
  for (int i = 0; i < 400; ++i) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return false;
}

class RootKeyAgentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kb-agent-" + ToHex(crypto::RandomBytes(6)));
    fs::create_directories(dir_);
    auto id = net::LoadOrCreateSelfSigned(dir_, {"127.0.0.1"});
    ASSERT_TRUE(id) << id.error().ToString();
    tls_.ca_file = id->cert_file;

    // IdMS.
    idms::IdmsOptions io;
    io.audience = {"kms", "cms"};
    io.password_cost = idms::ScryptCost{10, 8, 1};
    idms_ = std::make_unique<idms::Idms>(io, idms_store_, idms::JwtSigner::Generate());
    ASSERT_TRUE(idms_->Provision(kAlice, "alice-secret", {idms::kKmsScope}, false));
    net::HttpRouter ir;
    idms::AddIdmsRoutes(ir, *idms_, [] { return NtpTime::Now().unix_seconds(); });
    idms_server_ = Serve(*id, std::move(ir));

    // KMS.
    kms::CommunityOptions co;
    co.kms_uri = "kms.example.org";
    co.key_period = KeyPeriod{86400, 0};
    co.valid_from = NtpTime::FromSeconds(NtpTime::Now().seconds() - 86400);
    co.valid_to = NtpTime::FromSeconds(NtpTime::Now().seconds() + 86400 * 30);
    auto community = kms::Community::Create(co);
    ASSERT_TRUE(community);
    community_ = std::make_unique<kms::Community>(std::move(*community));
    auto verifier =
        idms::JwtVerifier::FromPublicKeyPem(idms_->signer().PublicKeyPem(), io.issuer, "kms");
    ASSERT_TRUE(verifier);
    kms_service::KmsServiceOptions ko;
    ko.required_scope = idms::kKmsScope;
    kms_ = std::make_unique<kms_service::KmsService>(*community_, *verifier, nullptr, ko);
    net::HttpRouter kr;
    kms_service::AddKmsRoutes(kr, *kms_, [] { return NtpTime::Now(); });
    kms_server_ = Serve(*id, std::move(kr));

    // The stand-in CMS: XCAP GET of alice's profile (Bearer token required) ...
    net::HttpRouter cr;
    std::string path = "/" + cms::UserProfileDocumentSelector(kAlice, 1);
    cr.Add("GET", path, [this](const net::HttpRequest& req) {
      std::lock_guard l(mu_);
      if (!req.Header("authorization").starts_with("Bearer ey"))
        return net::HttpResponse(401, "text/plain", "token required");
      ++gets_;
      if (profile_.empty()) return net::HttpResponse(404, "text/plain", "no profile");
      return net::HttpResponse(200, "application/vnd.3gpp.mcptt-user-profile+xml", profile_);
    });
    cms_server_ = Serve(*id, std::move(cr));
    // ... and its SIP UA, which accepts SUBSCRIBE and remembers where to NOTIFY.
    net::SipStackConfig sc;
    sc.user = "cms";
    sc.domain = "example.org";
    sc.t1 = std::chrono::milliseconds(50);
    auto stack = net::SipStack::Start(sc);
    ASSERT_TRUE(stack) << stack.error().ToString();
    cms_sip_ = std::move(*stack);
    cms_sip_->SetRequestHandler([this](std::shared_ptr<net::IncomingRequest> in) {
      const net::SipMessage& m = in->request();
      std::lock_guard l(mu_);
      subscribe_event_ = m.Header("Event").value_or("");
      subscribe_auth_ = m.Header("Keybridge-Access-Token").value_or("");
      Bytes body = m.Body();
      subscribe_body_ = std::string(body.begin(), body.end());
      ++subscribes_;
      auto r = net::SipMessage::ResponseTo(m, 200, "OK");
      if (r) {
        (void)r->AddHeader("Expires", "600");
        in->Respond(std::move(*r));
      }
    });

    // The IWF's and mallory's signing keys from the same KMS.
    period_ = community_->certificate().key_period.NumberAt(NtpTime::Now());
    auto sakke = crypto::sakke::Community::Create(community_->certificate().pub_enc_key);
    ASSERT_TRUE(sakke);
    sakke_ = std::make_unique<crypto::sakke::Community>(std::move(*sakke));
    pub_ =
        mikey::KmsPublicKeys{co.kms_uri, community_->certificate().pub_enc_key,
                             community_->certificate().pub_auth_key, co.key_period, sakke_.get()};
    iwf_ = SignerFor(kIwf);
    mallory_ = SignerFor(kMallory);

    ClientCoreConfig cc;
    cc.mc_id = kAlice;
    cc.state_file = dir_ / "su-state.sealed";
    cc.storage_key = crypto::RandomSecret(32);
    cc.su.individual_rsi = kAliceRsi;
    cc.su.kmf_rsi = kKmfRsi;
    auto core = ClientCore::Open(std::move(cc));
    ASSERT_TRUE(core) << core.error().ToString();
    core_ = std::move(*core);
  }

  void TearDown() override {
    agent_.reset();
    cms_sip_.reset();
    cms_server_.reset();
    kms_server_.reset();
    idms_server_.reset();
    fs::remove_all(dir_);
  }

  std::unique_ptr<net::HttpsServer> Serve(const net::TlsIdentity& id, net::HttpRouter router) {
    net::HttpsServerOptions o;
    o.identity = id;
    auto s = net::HttpsServer::Start(o, std::move(router));
    EXPECT_TRUE(s) << s.error().ToString();
    return s ? std::move(*s) : nullptr;
  }
  std::string Url(const net::HttpsServer& s) {
    return "https://127.0.0.1:" + std::to_string(s.port());
  }

  std::unique_ptr<crypto::eccsi::Signer> SignerFor(const char* uri) {
    auto ks = community_->Provision(uri, period_);
    EXPECT_TRUE(ks) << ks.error().ToString();
    crypto::Uid uid = pub_.UidAt(uri, NtpTime::Now());
    auto s = crypto::eccsi::Signer::Create(
        pub_.kpak, uid,
        crypto::eccsi::UserKeys{ks->user_signing_key_ssk.Clone(), ks->user_pub_token_pvt});
    EXPECT_TRUE(s) << s.error().ToString();
    return std::make_unique<crypto::eccsi::Signer>(std::move(*s));
  }

  std::string ProfileWith(const mikey::RootKey& key, const crypto::eccsi::Signer& signer,
                          const char* signer_uri) {
    mikey::RootKeyCreateOptions o;
    o.now = NtpTime::Now();
    auto m = mikey::CreateRootKeyIMessage({signer_uri, &pub_, &signer, period_}, {kAlice, &pub_},
                                          key, o);
    EXPECT_TRUE(m) << m.error().ToString();
    return testing::Profile(key.info, m ? m->message : Bytes{}, kAlice, signer_uri);
  }

  void StartAgent() {
    RootKeyAgentConfig c;
    c.user = kAlice;
    c.password = SecretBytes(AsBytes("alice-secret"));
    c.idms_url = Url(*idms_server_);
    c.idms_tls = tls_;
    c.kms_url = Url(*kms_server_);
    c.kms_tls = tls_;
    c.cms_url = Url(*cms_server_);
    c.cms_tls = tls_;
    c.cms_sip = cms_sip_->LocalEndpoint(net::Transport::kUdp);
    c.retry = std::chrono::milliseconds(100);
    c.stack.t1 = std::chrono::milliseconds(50);
    c.policy.authorised_iwfs = {kIwf};
    auto a = RootKeyAgent::Start(std::move(c), *core_);
    ASSERT_TRUE(a) << a.error().ToString();
    agent_ = std::move(*a);
  }

  void Notify() {
    auto req = cms_sip_->NewRequest(
        "NOTIFY", std::string("sip:alice@127.0.0.1:") + std::to_string(agent_->sip_port()), kAlice);
    ASSERT_TRUE(req);
    (void)req->AddHeader("Event", "xcap-diff");
    (void)req->AddHeader("Subscription-State", "active;expires=600");
    auto status = std::make_shared<std::atomic<int>>(0);
    net::SipEndpoint to{net::Transport::kUdp, "127.0.0.1", agent_->sip_port()};
    cms_sip_->SendRequest(std::move(*req), to, [status](Result<net::SipMessage> r) {
      *status = r ? r->StatusCode() : -1;
    });
    ASSERT_TRUE(WaitFor([&] { return *status != 0; }));
    EXPECT_EQ(status->load(), 200);
  }

  uint32_t InstalledSerial() {
    auto r = core_->Report();
    return r["root_key"].is_null() ? 0 : r["root_key"]["rotation_serial"].get<uint32_t>();
  }

  fs::path dir_;
  net::HttpsClientOptions tls_;
  MemoryIdmsStore idms_store_;
  std::unique_ptr<idms::Idms> idms_;
  std::unique_ptr<kms::Community> community_;
  std::unique_ptr<kms_service::KmsService> kms_;
  std::unique_ptr<net::HttpsServer> idms_server_, kms_server_, cms_server_;
  std::unique_ptr<net::SipStack> cms_sip_;
  std::unique_ptr<crypto::sakke::Community> sakke_;
  mikey::KmsPublicKeys pub_;
  uint64_t period_ = 0;
  std::unique_ptr<crypto::eccsi::Signer> iwf_, mallory_;
  std::unique_ptr<ClientCore> core_;
  std::unique_ptr<RootKeyAgent> agent_;

  std::mutex mu_;
  std::string profile_;
  int gets_ = 0, subscribes_ = 0;
  std::string subscribe_event_, subscribe_auth_, subscribe_body_;
};

TEST_F(RootKeyAgentTest, SubscribesFetchesOnNotifyInstallsAndRefusesAForeignSigner) {
  StartAgent();
  // Login, KMS keys, SUBSCRIBE with the document selector, and the first GET (404).
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard l(mu_);
    return subscribes_ >= 1 && gets_ >= 1;
  })) << "subscribes "
      << subscribes_ << " gets " << gets_;
  {
    std::lock_guard l(mu_);
    EXPECT_EQ(subscribe_event_, "xcap-diff");
    EXPECT_TRUE(subscribe_auth_.starts_with("Bearer ey")) << subscribe_auth_;
    EXPECT_NE(subscribe_body_.find(cms::UserProfileDocumentSelector(kAlice, 1)), std::string::npos)
        << subscribe_body_;
  }
  EXPECT_EQ(InstalledSerial(), 0u);

  // The IWF writes the root key; the CMS notifies; the agent installs it.
  mikey::RootKey ukek = testing::Ukek(0x1234, 7);
  {
    std::lock_guard l(mu_);
    profile_ = ProfileWith(ukek, *iwf_, kIwf);
  }
  Notify();
  ASSERT_TRUE(WaitFor([&] { return InstalledSerial() == 7; })) << core_->Report().dump();
  ASSERT_TRUE(WaitFor([&] { return agent_->counters().installed == 1; }));

  // A KMF Rekey-Command under that UKEK is now accepted.
  auto ans =
      core_->HandleKmm(testing::RekeyUnderUkek(ukek.key, 0x1234, testing::Seq(0xA0, 32), 0x42, 1));
  ASSERT_TRUE(ans) << ans.error().ToString();
  EXPECT_EQ(ans->status, p25::OperationStatus::kCommandPerformed);

  // Someone who is not an authorised IWF puts a newer root key there: refused, nothing changes.
  std::string before = core_->Report().dump();
  mikey::RootKey rogue = testing::Ukek(0x6666, 9, 0x66);
  {
    std::lock_guard l(mu_);
    profile_ = ProfileWith(rogue, *mallory_, kMallory);
  }
  Notify();
  ASSERT_TRUE(WaitFor([&] { return agent_->counters().refused >= 1; }));
  EXPECT_EQ(core_->Report().dump(), before);
  EXPECT_EQ(InstalledSerial(), 7u);
}

}  // namespace
}  // namespace kb::client
