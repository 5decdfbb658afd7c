// RFC 3261 12-16: INVITE/ACK/BYE through the MC service server as a back-to-back user agent
// (docs/mc-server.md "Calls through the server").
#include "mc_server/invite_proxy.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "net/registrar.h"
#include "net/sip_dialog.h"

namespace kb::mc_server {

InviteRouter::InviteRouter(std::vector<InterworkedGroup> groups,
                           std::function<bool(std::string_view)> known_user)
    : groups_(std::move(groups)), known_user_(std::move(known_user)) {
  for (auto& g : groups_) {
    g.group = net::Registrar::CanonicalAor(g.group);
    g.iwf = net::Registrar::CanonicalAor(g.iwf);
  }
}

std::expected<InviteRoute, Refusal> InviteRouter::Route(
    std::string_view from_uri, std::string_view request_uri, bool caller_registered,
    const std::function<bool(const std::string&)>& has_contacts) const {
  InviteRoute r;
  r.caller = net::Registrar::CanonicalAor(from_uri);
  r.target = net::Registrar::CanonicalAor(request_uri);
  if (r.caller.empty() || !caller_registered) {
    return std::unexpected(Refusal{
        403,
        fmt::format("Forbidden: caller {} is not registered from this address (a client may "
                    "call only as its own MC service ID)",
                    r.caller.empty() ? std::string(from_uri) : r.caller),
        "invite_refused_spoofed"});
  }
  for (const auto& g : groups_) {
    if (g.group != r.target) continue;
    r.group_call = true;
    r.deliver = g.iwf;
    if (!has_contacts(r.deliver)) {
      return std::unexpected(
          Refusal{480,
                  fmt::format("Temporarily Unavailable: the IWF {} of group {} is not registered",
                              g.iwf, g.group),
                  "invite_refused_not_registered"});
    }
    return r;
  }
  if (!r.target.empty() && known_user_(r.target)) {
    r.deliver = r.target;
    if (!has_contacts(r.deliver)) {
      return std::unexpected(Refusal{
          480,
          fmt::format("Temporarily Unavailable: MC service user {} is not registered", r.target),
          "invite_refused_not_registered"});
    }
    return r;
  }
  return std::unexpected(
      Refusal{404,
              fmt::format("Not Found: {} is neither an interworked MC group nor an MC service user",
                          r.target.empty() ? std::string(request_uri) : r.target),
              "invite_refused_unknown_target"});
}

struct InviteProxy::Attempt {
  std::shared_ptr<net::IncomingRequest> in;
  InviteRoute route;
  std::vector<CallContact> contacts;
  size_t next = 0;
  std::string last_failure;
  bool answered = false;
};

InviteProxy::InviteProxy(InviteRouter router, Hooks hooks, net::SipStack& stack)
    : router_(std::move(router)), hooks_(std::move(hooks)), stack_(stack) {}

void InviteProxy::Install() {
  std::weak_ptr<InviteProxy> weak = weak_from_this();
  stack_.SetInviteHandler([weak](std::shared_ptr<net::IncomingRequest> in) {
    if (auto self = weak.lock()) self->OnInvite(in);
  });
  stack_.SetDialogHandler([weak](const net::DialogEvent& e) {
    if (auto self = weak.lock()) self->OnDialog(e);
  });
}

void InviteProxy::Uninstall() {
  stack_.SetInviteHandler({});
  stack_.SetDialogHandler({});
}

size_t InviteProxy::active_calls() const {
  std::lock_guard lock(mu_);
  return peer_.size() / 2;
}

void InviteProxy::OnInvite(const std::shared_ptr<net::IncomingRequest>& in) {
  const net::SipMessage& rq = in->request();
  std::string caller = net::Registrar::CanonicalAor(rq.FromUri());
  auto route =
      router_.Route(rq.FromUri(), rq.RequestUri(), hooks_.registered_from(caller, in->source()),
                    [this](const std::string& aor) { return !hooks_.contacts(aor).empty(); });
  if (!route) {
    hooks_.count(route.error().counter);
    hooks_.count("refused");
    spdlog::warn("mc-server: INVITE {} -> {} from {} refused {}: {}", rq.FromUri(), rq.RequestUri(),
                 in->source().ToString(), route.error().status, route.error().reason);
    return in->Respond(route.error().status, route.error().reason);
  }
  auto a = std::make_shared<Attempt>();
  a->in = in;
  a->route = std::move(*route);
  a->contacts = hooks_.contacts(a->route.deliver);
  hooks_.count("invites");
  Try(a);
}

void InviteProxy::Try(const std::shared_ptr<Attempt>& a) {
  const net::SipMessage& rq = a->in->request();
  if (a->next >= a->contacts.size()) {
    hooks_.count("invite_failures");
    spdlog::warn("mc-server: INVITE {} -> {}: no contact of {} answered ({})", a->route.caller,
                 a->route.target, a->route.deliver, a->last_failure);
    return a->in->Respond(480, fmt::format("Temporarily Unavailable: {} did not answer ({})",
                                           a->route.deliver, a->last_failure));
  }
  const CallContact& c = a->contacts[a->next++];
  // A group call keeps the group's URI (the IWF finds the group by it); a private call goes to
  // the callee's registered Contact.
  std::string ruri = a->route.group_call ? a->route.target : c.uri;
  auto out = stack_.NewRequest("INVITE", ruri, rq.ToUri(), rq.FromUri());
  if (!out) {
    return a->in->Respond(500, "Server Internal Error: " + out.error().message());
  }
  if (rq.BodySize() > 0) {
    if (auto st = out->SetBody(rq.ContentType(), rq.Body()); !st) {
      return a->in->Respond(400, "Bad Request: " + st.error().message());
    }
  }
  spdlog::info("mc-server: INVITE {} -> {} ({} call) sent to {} at {}", a->route.caller,
               a->route.target, a->route.group_call ? "group" : "private", a->route.deliver,
               c.endpoint.ToString());
  std::weak_ptr<InviteProxy> weak = weak_from_this();
  stack_.SendInvite(std::move(*out), c.endpoint, [weak, a](Result<net::SipMessage> r) {
    if (auto self = weak.lock()) self->OnAnswer(a, std::move(r));
  });
}

void InviteProxy::OnAnswer(const std::shared_ptr<Attempt>& a, Result<net::SipMessage> r) {
  if (a->answered) return;
  if (!r) {
    a->last_failure = r.error().message();
    return Try(a);
  }
  int status = r->StatusCode();
  if (status < 200) {
    if (status > 100) a->in->Respond(status, r->ReasonPhrase());
    return;
  }
  if (status >= 300) {
    bool next = status == 408 || status == 480 || status >= 500;
    if (next && a->next < a->contacts.size()) {
      a->last_failure = fmt::format("{} {}", status, r->ReasonPhrase());
      return Try(a);
    }
    a->answered = true;
    hooks_.count("invite_refused_by_target");
    spdlog::info("mc-server: INVITE {} -> {} answered {} {}", a->route.caller, a->route.target,
                 status, r->ReasonPhrase());
    return a->in->Respond(status, r->ReasonPhrase());
  }
  a->answered = true;
  net::DialogId down = net::ResponseDialogId(*r);
  auto ok = net::SipMessage::ResponseTo(a->in->request(), status, r->ReasonPhrase());
  if (ok && r->BodySize() > 0) {
    if (auto st = ok->SetBody(r->ContentType(), r->Body()); !st) ok = Fail(st.error());
  }
  if (!ok) {
    a->in->Respond(500, "Server Internal Error: " + ok.error().message());
    stack_.SendBye(down, [](Result<net::SipMessage>) {});
    return;
  }
  net::DialogId up = net::IncomingDialogId(a->in->request());
  {
    std::lock_guard lock(mu_);
    peer_[up] = down;
    peer_[down] = up;
  }
  hooks_.count("calls_connected");
  spdlog::info("mc-server: call {} -> {} connected ({} call; dialogs {} | {})", a->route.caller,
               a->route.target, a->route.group_call ? "group" : "private", up.ToString(),
               down.ToString());
  a->in->Respond(std::move(*ok));
}

void InviteProxy::OnDialog(const net::DialogEvent& e) {
  if (e.kind == net::DialogEvent::Kind::kConfirmed) return;
  net::DialogId other;
  {
    std::lock_guard lock(mu_);
    auto it = peer_.find(e.id);
    if (it == peer_.end()) return;
    other = it->second;
    peer_.erase(it);
    peer_.erase(other);
  }
  spdlog::info("mc-server: call leg {} ended ({}); BYE to the other leg {}", e.id.ToString(),
               e.kind == net::DialogEvent::Kind::kByeReceived ? "BYE" : "no ACK", other.ToString());
  hooks_.count("calls_ended");
  stack_.SendBye(other, [](Result<net::SipMessage>) {});
}

}  // namespace kb::mc_server
