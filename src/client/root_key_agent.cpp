// keybridge extension (NOT 3GPP): the client's root key agent: IdMS login, KMS keys, SIP
// SUBSCRIBE/NOTIFY xcap-diff (RFC 5875) and XCAP GET of the profile (docs/client.md).
#include "client/root_key_agent.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "cms/xcap_uri.h"
#include "crypto/mc_identity.h"
#include "crypto/sakke.h"
#include "kms_client/kms_client.h"
#include "net/digest_auth.h"

namespace kb::client {

using Clock = std::chrono::steady_clock;

Result<std::unique_ptr<ProvisionedIdentity>> ProvisionedIdentity::Build(
    const std::string& user, const kms::KmsCertificate& cert,
    const std::vector<kms::KmsKeySet>& sets) {
  std::unique_ptr<ProvisionedIdentity> id(new ProvisionedIdentity());
  KB_TRY(auto community, crypto::sakke::Community::Create(cert.pub_enc_key));
  id->community_ = std::make_unique<crypto::sakke::Community>(std::move(community));
  id->kms_ = mikey::KmsPublicKeys{cert.kms_uri, cert.pub_enc_key, cert.pub_auth_key,
                                  cert.key_period, id->community_.get()};
  id->me_.uri = user;
  id->me_.kms = &id->kms_;
  for (const auto& s : sets) {
    if (s.user_uri != user) continue;
    crypto::Uid uid = crypto::MikeySakkeUid(user, cert.kms_uri, cert.key_period, s.key_period_no);
    KB_TRY(auto r,
           crypto::sakke::Receiver::Create(*id->community_, uid, s.user_decrypt_key.Clone()));
    id->receivers_.push_back(std::make_unique<crypto::sakke::Receiver>(std::move(r)));
    id->me_.keys.push_back({s.key_period_no, id->receivers_.back().get()});
  }
  if (id->receivers_.empty())
    return Fail(Error::NotFound(fmt::format("KMS: no key set for {}", user)));
  return id;
}

bool ProvisionedIdentity::HasPeriod(uint64_t period) const {
  for (const auto& k : me_.keys)
    if (k.key_period_number == period) return true;
  return false;
}

std::string XcapDiffSubscriptionBody(std::string_view document_selector) {
  // The selector is percent-encoded already (cms::UserProfileDocumentSelector); escape the
  // XML attribute characters anyway.
  std::string uri;
  for (char c : document_selector) {
    switch (c) {
      case '&':
        uri += "&amp;";
        break;
      case '"':
        uri += "&quot;";
        break;
      case '<':
        uri += "&lt;";
        break;
      case '>':
        uri += "&gt;";
        break;
      default:
        uri += c;
    }
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\">\n"
      "  <list>\n    <entry uri=\"{}\"/>\n  </list>\n</resource-lists>\n",
      uri);
}

struct RootKeyAgent::State : std::enable_shared_from_this<RootKeyAgent::State> {
  RootKeyAgentConfig config;
  ClientCore* core = nullptr;
  std::unique_ptr<net::SipStack> stack;
  std::thread worker;

  mutable std::mutex mu;
  std::condition_variable cv;
  bool stop = false;
  bool fetch_pending = true;  // once at start
  Clock::time_point fetch_at = Clock::now();
  bool subscribe_in_flight = false;
  Clock::time_point next_subscribe = Clock::now();
  std::optional<net::DigestChallenge> challenge;  // answer it in the next SUBSCRIBE
  RootKeyAgentCounters counters;

  // Worker-thread state.
  std::string token;
  std::unique_ptr<ProvisionedIdentity> identity;

  std::string DocumentSelector() const {
    return cms::UserProfileDocumentSelector(config.user, config.profile_index);
  }

  void Count(uint64_t RootKeyAgentCounters::*field) {
    std::lock_guard lock(mu);
    ++(counters.*field);
  }

  Status Login() {
    KB_TRY(token, kms_client::Login(config.idms_tls, config.idms_url, config.user,
                                    AsString(config.password.Reveal())));
    Count(&RootKeyAgentCounters::logins);
    return Ok();
  }

  Status FetchKeys() {
    if (token.empty()) KB_CHECK(Login());
    auto keys =
        kms_client::FetchKeys(config.kms_tls, config.kms_url, token, config.user, NtpTime::Now());
    if (!keys && keys.error().kind() == ErrorKind::kUnauthorised) {  // the token expired
      KB_CHECK(Login());
      keys =
          kms_client::FetchKeys(config.kms_tls, config.kms_url, token, config.user, NtpTime::Now());
    }
    if (!keys) return Fail(keys.error().Within("KMS"));
    KB_TRY(identity, ProvisionedIdentity::Build(config.user, keys->certificate, keys->key_sets));
    Count(&RootKeyAgentCounters::key_fetches);
    spdlog::info("client {}: KMS {} keys for {} key period(s)", config.user,
                 keys->certificate.kms_uri, identity->me().keys.size());
    return Ok();
  }

  // XCAP GET of the whole profile document (RFC 4825 7.3, TS 24.484 document).
  Result<std::optional<std::string>> GetProfile() {
    std::string url = config.cms_url + "/" + DocumentSelector();
    for (int attempt = 0; attempt < 2; ++attempt) {
      std::map<std::string, std::string> headers = {{"Authorization", "Bearer " + token}};
      KB_TRY(auto res, net::HttpsRequest(config.cms_tls, "GET", url, {}, {}, headers));
      Count(&RootKeyAgentCounters::profile_fetches);
      if (res.status == 200) return std::optional<std::string>(std::move(res.body));
      if (res.status == 404) return std::optional<std::string>();
      if (res.status == 401 && attempt == 0) {
        KB_CHECK(Login());
        continue;
      }
      return Fail(Error::Io(fmt::format("CMS GET {}: HTTP {}", DocumentSelector(), res.status)));
    }
    return Fail(Error::Unauthorised("CMS: the IdMS token is refused"));
  }

  void FetchAndInstall() {
    auto xml = GetProfile();
    if (!xml) {
      spdlog::warn("client {}: profile fetch failed: {}", config.user, xml.error().ToString());
      Count(&RootKeyAgentCounters::errors);
      Retry();
      return;
    }
    if (!*xml) {
      spdlog::info("client {}: no user profile at the CMS yet", config.user);
      return;
    }
    auto outcome = core->ApplyProfile(**xml, identity->me(), config.policy, NtpTime::Now());
    if (!outcome) {
      const Error& e = outcome.error();
      if (e.kind() == ErrorKind::kExpired) {
        // Perhaps a key period we have no RSK for yet: fetch the keys again, then retry.
        identity.reset();
        Retry();
      }
      spdlog::warn("client {}: root key refused: {}", config.user, e.ToString());
      Count(&RootKeyAgentCounters::refused);
      return;
    }
    if (*outcome == RootKeyOutcome::kInstalled) {
      auto report = core->Report();
      spdlog::info("client {}: root key installed: ALGID {} KID {} serial {} from {}", config.user,
                   report["root_key"]["algid"].get<std::string>(),
                   report["root_key"]["kid"].get<std::string>(),
                   report["root_key"]["rotation_serial"].get<uint32_t>(),
                   report["root_key"].value("iwf", std::string("?")));
      Count(&RootKeyAgentCounters::installed);
    } else {
      spdlog::debug("client {}: profile: {}", config.user, RootKeyOutcomeName(*outcome));
      Count(&RootKeyAgentCounters::unchanged);
    }
  }

  void Retry() {
    std::lock_guard lock(mu);
    fetch_pending = true;
    fetch_at = Clock::now() + config.retry;
  }

  void SendSubscribe() {
    auto req = stack->NewRequest("SUBSCRIBE", config.cms_uri, config.cms_uri, config.user);
    if (!req) {
      spdlog::error("client {}: SUBSCRIBE: {}", config.user, req.error().ToString());
      return;
    }
    net::SipEndpoint local = stack->LocalEndpoint(config.cms_sip.transport);
    std::string user = config.user.substr(config.user.find(':') + 1);
    user = user.substr(0, user.find('@'));
    (void)req->AddHeader(
        "Contact",
        fmt::format("<sip:{}@{}:{}{}>", user, local.host, local.port,
                    config.cms_sip.transport == net::Transport::kTcp ? ";transport=tcp" : ""));
    (void)req->AddHeader("Event", "xcap-diff");
    (void)req->AddHeader("Accept", "application/xcap-diff+xml");
    (void)req->AddHeader("Expires", std::to_string(config.subscribe_expires));
    std::optional<net::DigestChallenge> ch;
    {
      std::lock_guard lock(mu);
      ch = std::move(challenge);
      challenge.reset();
      subscribe_in_flight = true;
    }
    if (ch) {
      auto creds = net::AnswerChallenge(*ch, config.user.substr(config.user.find(':') + 1),
                                        config.password, "SUBSCRIBE", config.cms_uri);
      auto h = net::FormatAuthorization(creds);
      if (h) (void)req->AddHeader("Authorization", *h);
    }
    // The IdMS token: not as "Authorization: Bearer" (RFC 8898), which oSIP parses as Digest
    // credentials and cannot carry, but in the header the keybridge CMS reads.
    if (!token.empty()) (void)req->AddHeader("Keybridge-Access-Token", "Bearer " + token);
    std::string body = XcapDiffSubscriptionBody(DocumentSelector());
    (void)req->SetBody("application/resource-lists+xml", AsBytes(body));
    Count(&RootKeyAgentCounters::subscribes);
    std::weak_ptr<State> weak = weak_from_this();
    bool answered_challenge = ch.has_value();
    stack->SendRequest(std::move(*req), config.cms_sip,
                       [weak, answered_challenge](Result<net::SipMessage> res) {
                         if (auto s = weak.lock()) s->OnSubscribeAnswer(res, answered_challenge);
                       });
  }

  void OnSubscribeAnswer(const Result<net::SipMessage>& res, bool answered_challenge) {
    std::lock_guard lock(mu);
    subscribe_in_flight = false;
    Clock::time_point now = Clock::now();
    if (res && res->StatusCode() >= 200 && res->StatusCode() < 300) {
      uint32_t granted = res->Expires().value_or(config.subscribe_expires);
      if (granted == 0) granted = config.subscribe_expires;
      next_subscribe = now + std::chrono::seconds(std::max<uint32_t>(granted / 2, 1));
      spdlog::info("client {}: subscribed to its profile at {} (xcap-diff, {} s)", config.user,
                   config.cms_sip.ToString(), granted);
    } else if (res && (res->StatusCode() == 401 || res->StatusCode() == 407) &&
               !answered_challenge) {
      auto h = res->Header(res->StatusCode() == 401 ? "WWW-Authenticate" : "Proxy-Authenticate");
      std::optional<net::DigestChallenge> c;
      if (h) {
        if (auto parsed = net::ParseChallenge(*h)) c = std::move(*parsed);
      }
      next_subscribe = c ? now : now + config.retry;
      challenge = std::move(c);
    } else {
      ++counters.subscribe_failures;
      spdlog::warn("client {}: SUBSCRIBE to {} failed: {}", config.user, config.cms_sip.ToString(),
                   res ? fmt::format("{} {}", res->StatusCode(), res->ReasonPhrase())
                       : res.error().ToString());
      next_subscribe = now + config.retry;
    }
    cv.notify_all();
  }

  void OnRequest(std::shared_ptr<net::IncomingRequest> in) {
    const net::SipMessage& m = in->request();
    if (m.Method() != "NOTIFY") {
      in->Respond(405, "Method Not Allowed: this agent takes NOTIFY only");
      return;
    }
    auto event = m.Header("Event");
    if (!event || event->substr(0, 9) != "xcap-diff") {
      in->Respond(489, "Bad Event: only xcap-diff");
      return;
    }
    in->Respond(200, "OK");
    std::lock_guard lock(mu);
    ++counters.notifies;
    fetch_pending = true;
    fetch_at = Clock::now();
    auto state = m.Header("Subscription-State");
    if (state && state->starts_with("terminated")) next_subscribe = Clock::now();
    cv.notify_all();
  }

  void Run() {
    std::unique_lock lock(mu);
    while (!stop) {
      if (!identity) {
        lock.unlock();
        auto st = FetchKeys();
        if (!st) {
          spdlog::warn("client {}: login/KMS failed: {}", config.user, st.error().ToString());
          Count(&RootKeyAgentCounters::errors);
        }
        lock.lock();
        if (!st) {
          cv.wait_for(lock, config.retry, [&] { return stop; });
          continue;
        }
      }
      Clock::time_point now = Clock::now();
      if (!subscribe_in_flight && now >= next_subscribe) {
        lock.unlock();
        SendSubscribe();
        lock.lock();
      }
      if (fetch_pending && fetch_at <= now) {
        fetch_pending = false;
        lock.unlock();
        FetchAndInstall();
        lock.lock();
      }
      Clock::time_point wake = Clock::now() + std::chrono::seconds(30);
      if (fetch_pending) wake = std::min(wake, fetch_at);
      if (!subscribe_in_flight) wake = std::min(wake, next_subscribe);
      cv.wait_until(lock, wake, [&] {
        Clock::time_point t = Clock::now();
        return stop || !identity || (fetch_pending && fetch_at <= t) ||
               (!subscribe_in_flight && next_subscribe <= t);
      });
    }
  }
};

Result<std::unique_ptr<RootKeyAgent>> RootKeyAgent::Start(RootKeyAgentConfig config,
                                                          ClientCore& core) {
  auto state = std::make_shared<State>();
  state->config = std::move(config);
  state->core = &core;
  KB_TRY(state->stack, net::SipStack::Start(state->config.stack));
  std::weak_ptr<State> weak = state;
  state->stack->SetRequestHandler([weak](std::shared_ptr<net::IncomingRequest> in) {
    if (auto s = weak.lock()) {
      s->OnRequest(std::move(in));
    } else {
      in->Respond(503, "Service Unavailable: stopping");
    }
  });
  state->worker = std::thread([s = state.get()] { s->Run(); });
  return std::unique_ptr<RootKeyAgent>(new RootKeyAgent(std::move(state)));
}

RootKeyAgent::RootKeyAgent(std::shared_ptr<State> state) : state_(std::move(state)) {}

RootKeyAgent::~RootKeyAgent() {
  {
    std::lock_guard lock(state_->mu);
    state_->stop = true;
  }
  state_->cv.notify_all();
  if (state_->worker.joinable()) state_->worker.join();
  state_->stack.reset();
}

void RootKeyAgent::FetchNow() {
  std::lock_guard lock(state_->mu);
  state_->fetch_pending = true;
  state_->fetch_at = Clock::now();
  state_->cv.notify_all();
}

RootKeyAgentCounters RootKeyAgent::counters() const {
  std::lock_guard lock(state_->mu);
  return state_->counters;
}

uint16_t RootKeyAgent::sip_port() const {
  return state_->config.cms_sip.transport == net::Transport::kTcp ? state_->stack->tcp_port()
                                                                  : state_->stack->udp_port();
}

}  // namespace kb::client
