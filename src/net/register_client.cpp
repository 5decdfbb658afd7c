// RFC 3261 clause 10.2 registration with RFC 7616 Digest, client side.
#include "net/register_client.h"

#include <spdlog/spdlog.h>

#include <memory>

#include "net/digest_auth.h"
#include "net/registrar.h"
#include "net/sip_token.h"

namespace kb::net {
namespace {

constexpr int kMaxChallenges = 2;  // the first challenge and one stale nonce

struct Exchange {
  SipStack* stack;
  RegistrationRequest request;
  ResponseCallback callback;
  std::string call_id;
  std::string from_tag;
  uint32_t cseq = 0;
  int challenges = 0;
};

Result<SipMessage> BuildRegister(Exchange& x, const std::optional<DigestCredentials>& auth) {
  const RegistrationRequest& r = x.request;
  SipMessage m = SipMessage::Request("REGISTER", r.registrar_uri);
  if (m.RequestUri().empty()) {
    return Fail(Error::InvalidArgument("REGISTER: registrar URI does not parse"));
  }
  if (!m.AddHeader("From", "<" + r.aor + ">;tag=" + x.from_tag) ||
      !m.AddHeader("To", "<" + r.aor + ">")) {
    return Fail(Error::InvalidArgument("REGISTER: AOR does not parse: " + r.aor));
  }
  KB_CHECK(m.AddHeader("Call-ID", x.call_id));
  KB_CHECK(m.AddHeader("CSeq", std::to_string(++x.cseq) + " REGISTER"));
  if (!m.AddHeader("Contact", "<" + r.contact + ">")) {
    return Fail(Error::InvalidArgument("REGISTER: contact does not parse: " + r.contact));
  }
  KB_CHECK(m.AddHeader("Expires", std::to_string(r.expires)));
  if (auth) {
    KB_TRY(std::string value, FormatAuthorization(*auth));
    KB_CHECK(m.AddHeader("Authorization", value));
  }
  return m;
}

void SendRegister(std::shared_ptr<Exchange> x, std::optional<DigestCredentials> auth) {
  auto m = BuildRegister(*x, auth);
  if (!m) {
    x->request.password.Clear();
    return x->callback(Fail(m.error()));
  }
  SipStack* stack = x->stack;
  SipEndpoint target = x->request.registrar;
  stack->SendRequest(std::move(*m), target, [x](Result<SipMessage> response) {
    if (!response || response->StatusCode() != 401 || x->challenges >= kMaxChallenges) {
      x->request.password.Clear();
      return x->callback(std::move(response));
    }
    // Pick the strongest Digest challenge we understand (RFC 8760: SHA-256, then MD5).
    std::optional<DigestChallenge> best;
    for (const auto& value : response->Headers("WWW-Authenticate")) {
      auto c = ParseChallenge(value);
      if (!c) continue;
      if (!best || (c->algorithm == DigestAlgorithm::kSha256 &&
                    best->algorithm != DigestAlgorithm::kSha256)) {
        best = std::move(*c);
      }
    }
    bool first = x->challenges == 0;
    if (!best || (!first && !best->stale)) {
      // No usable challenge, or the registrar refused our answer without calling it stale.
      x->request.password.Clear();
      return x->callback(std::move(response));
    }
    ++x->challenges;
    spdlog::debug("sip: REGISTER {} answering a {} challenge{}", x->request.aor,
                  DigestAlgorithmName(best->algorithm), best->stale ? " (stale nonce)" : "");
    DigestCredentials creds = AnswerChallenge(*best, x->request.username, x->request.password,
                                              "REGISTER", x->request.registrar_uri);
    SendRegister(x, std::move(creds));
  });
}

}  // namespace

void Register(SipStack& stack, RegistrationRequest request, ResponseCallback callback) {
  auto x = std::make_shared<Exchange>();
  x->stack = &stack;
  if (request.username.empty()) {
    std::string aor = Registrar::CanonicalAor(request.aor);
    request.username = aor.substr(aor.find(':') + 1);
  }
  if (request.registrar_uri.empty()) {
    std::string aor = Registrar::CanonicalAor(request.aor);
    request.registrar_uri = "sip:" + aor.substr(aor.find('@') + 1);
  }
  x->request = std::move(request);
  x->callback = std::move(callback);
  x->call_id = SipToken(12) + "@" + stack.config().domain;
  x->from_tag = SipToken(6);
  SendRegister(std::move(x), std::nullopt);
}

}  // namespace kb::net
