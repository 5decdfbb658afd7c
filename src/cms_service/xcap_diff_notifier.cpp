// RFC 6665 notifier for the RFC 5875 xcap-diff event package (TS 24.484 6): SUBSCRIBE handling,
// subscription dialogs, initial/change/terminating NOTIFYs.
#include "cms_service/xcap_diff_notifier.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <pugixml.hpp>

#include "cms/xcap_diff.h"
#include "cms/xcap_uri.h"
#include "cms/xml_names.h"
#include "cms_service/subscription_store.h"
#include "idms/idms_http.h"

namespace kb::cms_service {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "xcap-diff;id=1" -> "xcap-diff"
std::string EventPackage(std::string_view event) {
  size_t semi = event.find(';');
  std::string_view p = event.substr(0, semi);
  while (!p.empty() && p.back() == ' ') p.remove_suffix(1);
  return Lower(p);
}

bool IsIpLiteral(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

}  // namespace

Result<std::vector<std::string>> ParseResourceListUris(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8)) {
    return Fail(Error::Malformed("resource-lists: not well-formed XML"));
  }
  pugi::xml_node root = doc.document_element();
  if (cms::LocalName(root.name()) != "resource-lists") {
    return Fail(Error::Malformed("resource-lists: the root element is not resource-lists"));
  }
  std::vector<std::string> uris;
  for (pugi::xml_node list : root.children()) {
    if (list.type() != pugi::node_element || cms::LocalName(list.name()) != "list") continue;
    for (pugi::xml_node entry : list.children()) {
      if (entry.type() != pugi::node_element || cms::LocalName(entry.name()) != "entry") continue;
      std::string uri = entry.attribute("uri").value();
      if (uri.empty()) return Fail(Error::Malformed("resource-lists: entry without uri"));
      uris.push_back(std::move(uri));
    }
  }
  if (uris.empty()) return Fail(Error::Malformed("resource-lists: no entry"));
  if (uris.size() > 32) return Fail(Error::Malformed("resource-lists: more than 32 entries"));
  return uris;
}

Result<net::SipEndpoint> EndpointOfContact(std::string_view contact, std::string* uri_out) {
  std::string_view uri = contact;
  if (size_t lt = contact.find('<'); lt != std::string_view::npos) {
    size_t gt = contact.find('>', lt);
    if (gt == std::string_view::npos) return Fail(Error::Malformed("Contact: no closing '>'"));
    uri = contact.substr(lt + 1, gt - lt - 1);
  }
  if (uri_out != nullptr) *uri_out = std::string(uri);
  std::string_view rest = uri;
  if (rest.starts_with("sip:")) {
    rest.remove_prefix(4);
  } else {
    return Fail(Error::Unsupported("Contact: only sip: URIs"));
  }
  std::string_view params;
  if (size_t semi = rest.find(';'); semi != std::string_view::npos) {
    params = rest.substr(semi);
    rest = rest.substr(0, semi);
  }
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  net::SipEndpoint ep;
  std::string_view port_text;
  if (rest.starts_with('[')) {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return Fail(Error::Malformed("Contact: bad IPv6 host"));
    ep.host = std::string(rest.substr(1, close - 1));
    rest.remove_prefix(close + 1);
    if (rest.starts_with(':')) port_text = rest.substr(1);
  } else {
    size_t colon = rest.find(':');
    ep.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port_text = rest.substr(colon + 1);
  }
  if (!IsIpLiteral(ep.host)) {
    return Fail(Error::Unsupported("Contact: host is not an IP address literal: " + ep.host));
  }
  ep.port = 5060;
  if (!port_text.empty()) {
    auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), ep.port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || ep.port == 0) {
      return Fail(Error::Malformed("Contact: bad port"));
    }
  }
  ep.transport = Lower(params).find(";transport=tcp") != std::string::npos ? net::Transport::kTcp
                                                                           : net::Transport::kUdp;
  return ep;
}

XcapDiffNotifier::XcapDiffNotifier(net::SipStack& stack, const CmsService& service,
                                   NotifierOptions options, std::function<int64_t()> clock)
    : stack_(stack), service_(service), options_(std::move(options)), clock_(std::move(clock)) {}

Status XcapDiffNotifier::UseStore(SubscriptionStore* store) {
  std::lock_guard lock(mu_);
  store_ = store;
  if (store_ == nullptr) return Ok();
  KB_TRY(auto loaded, store_->LoadSubscriptions(clock_()));
  for (auto& s : loaded) {
    std::string key = s.call_id + "|" + s.local_tag;
    subs_[key] = std::move(s);
  }
  if (!loaded.empty())
    spdlog::info("CMS SIP {} subscriptions loaded from the store", loaded.size());
  return Ok();
}

void XcapDiffNotifier::DetachStore() {
  std::lock_guard lock(mu_);
  store_ = nullptr;
}

void XcapDiffNotifier::Persist(const Subscription& s, bool ended) {
  if (store_ == nullptr) return;
  Status st =
      ended ? store_->RemoveSubscription(s.call_id, s.local_tag) : store_->PutSubscription(s);
  if (!st) {
    counters_.store_failures++;
    spdlog::error("CMS SIP subscription of {}: store failed: {}", s.subscriber,
                  st.error().message());
  }
}

size_t XcapDiffNotifier::active() const {
  std::lock_guard lock(mu_);
  return subs_.size();
}

void XcapDiffNotifier::OnRequest(std::shared_ptr<net::IncomingRequest> request) {
  const net::SipMessage& m = request->request();
  if (m.Method() != "SUBSCRIBE") {
    auto r = net::SipMessage::ResponseTo(m, 405, "Method Not Allowed");
    if (r && r->AddHeader("Allow", "SUBSCRIBE")) {
      request->Respond(std::move(*r));
    } else {
      request->Respond(405, "Method Not Allowed");
    }
    return;
  }
  HandleSubscribe(request);
}

bool XcapDiffNotifier::Watches(const Subscription& s, const DocumentChange& change) const {
  if (!s.watch_xui.empty()) return s.watch_xui == change.xui;
  return std::find(s.documents.begin(), s.documents.end(), change.document_selector) !=
         s.documents.end();
}

std::string XcapDiffNotifier::FullState(const Subscription& s) const {
  cms::XcapDiff diff;
  diff.xcap_root = options_.xcap_root_uri;
  if (!s.watch_xui.empty()) {
    auto docs = service_.store().ListByXui(s.watch_xui);
    if (docs) {
      for (const auto& d : *docs) diff.documents.push_back({d.selector, std::nullopt, d.etag});
    }
  } else {
    for (const auto& sel : s.documents) {
      auto d = service_.store().Get(sel);
      if (d && *d) diff.documents.push_back({sel, std::nullopt, (*d)->etag});
    }
  }
  auto xml = cms::SerializeXcapDiff(diff);
  return xml ? *xml : std::string();
}

void XcapDiffNotifier::HandleSubscribe(const std::shared_ptr<net::IncomingRequest>& request) {
  const net::SipMessage& m = request->request();
  counters_.subscribes++;
  auto refuse = [&](int status, std::string_view reason) {
    counters_.refused++;
    spdlog::info("CMS SIP SUBSCRIBE from {} refused: {} {}", m.FromUri(), status, reason);
    request->Respond(status, reason);
  };
  std::string event = EventPackage(m.Header("Event").value_or(""));
  if (event != kXcapDiffEvent) {
    auto r = net::SipMessage::ResponseTo(m, 489, "Bad Event");
    if (r && r->AddHeader("Allow-Events", std::string(kXcapDiffEvent))) {
      counters_.refused++;
      request->Respond(std::move(*r));
    } else {
      refuse(489, "Bad Event");
    }
    return;
  }
  const int64_t now = clock_();

  // Who subscribes: the IdMS access token (docs/cms.md "Subscriber identity").
  std::string token = m.Header(kAccessTokenHeader).value_or("");
  if (!token.starts_with("Bearer ")) token = "Bearer " + token;
  auto claims = service_.Authenticate(token, now);
  if (!claims) return refuse(403, "Forbidden: " + claims.error().message());

  // Expires (RFC 6665 4.2.1.1).
  uint32_t expires = m.Expires().value_or(options_.default_expires);
  if (expires > 0 && expires < options_.min_expires) {
    auto r = net::SipMessage::ResponseTo(m, 423, "Interval Too Brief");
    if (r && r->AddHeader("Min-Expires", std::to_string(options_.min_expires))) {
      counters_.refused++;
      request->Respond(std::move(*r));
    } else {
      refuse(423, "Interval Too Brief");
    }
    return;
  }
  expires = std::min(expires, options_.max_expires);

  std::unique_lock lock(mu_);
  std::string to_tag = m.ToTag();
  if (!to_tag.empty()) {
    // A refresh or an unsubscribe inside an existing dialog (RFC 6665 4.2.1.2, 4.2.1.4).
    auto it = subs_.find(m.CallId() + "|" + to_tag);
    if (it == subs_.end() || it->second.remote_tag != m.FromTag()) {
      lock.unlock();
      return refuse(481, "Subscription Does Not Exist");
    }
    Subscription& s = it->second;
    if (claims->sub != s.subscriber) {
      lock.unlock();
      return refuse(403, "Forbidden: the token is another identity's");
    }
    if (m.CSeqNumber() <= s.remote_cseq) {
      lock.unlock();
      return refuse(500, "Server Internal Error: CSeq out of order");
    }
    s.remote_cseq = m.CSeqNumber();
    auto r = net::SipMessage::ResponseTo(m, 200, "OK");
    if (!r) {
      lock.unlock();
      return refuse(500, "Server Internal Error");
    }
    (void)r->AddHeader("Expires", std::to_string(expires));
    (void)r->AddHeader("Contact", "<" + options_.contact + ">");
    request->Respond(std::move(*r));
    std::string body = FullState(s);
    if (expires == 0) {
      spdlog::info("CMS SIP subscription of {} ended by the subscriber", s.subscriber);
      SendNotify(s, body, "terminated;reason=timeout");
      subs_.erase(it);
    } else {
      s.expires_at = now + expires;
      spdlog::info("CMS SIP subscription of {} refreshed for {} s", s.subscriber, expires);
      SendNotify(s, body, fmt::format("active;expires={}", expires));
    }
    return;
  }

  // A new subscription: what it watches (RFC 5875 4.2: a resource list in the body; keybridge:
  // no body = every profile document of the subscriber).
  Subscription s;
  s.subscriber = claims->sub;
  Bytes raw_body = m.Body();
  if (raw_body.empty()) {
    s.watch_xui = claims->sub;
  } else {
    std::string_view body(reinterpret_cast<const char*>(raw_body.data()), raw_body.size());
    auto uris = ParseResourceListUris(body);
    if (!uris) {
      lock.unlock();
      return refuse(400, "Bad Request: " + uris.error().message());
    }
    for (std::string_view u : *uris) {
      if (u.starts_with(options_.xcap_root_uri)) u.remove_prefix(options_.xcap_root_uri.size());
      auto parsed = cms::ParseXcapUri(u);
      if (!parsed || parsed->node) {
        lock.unlock();
        return refuse(400, "Bad Request: resource-lists entry is not a profile document URI");
      }
      auto ok = cms::AuthoriseXcap(claims->sub, cms::XcapMethod::kGet, cms::TargetOf(*parsed),
                                   service_.options().policy);
      if (!ok) {
        lock.unlock();
        return refuse(403, "Forbidden: " + ok.error().message());
      }
      s.documents.push_back(parsed->DocumentSelector());
    }
  }
  auto contact = m.Header("Contact");
  if (!contact) {
    lock.unlock();
    return refuse(400, "Bad Request: Contact required");
  }
  auto ep = EndpointOfContact(*contact, &s.target_uri);
  if (ep) {
    s.target = *ep;
  } else if (!s.target_uri.empty()) {
    s.target = request->source();  // a host name: answer where the SUBSCRIBE came from
  } else {
    lock.unlock();
    return refuse(400, "Bad Request: Contact: " + ep.error().message());
  }
  auto r = net::SipMessage::ResponseTo(m, 200, "OK");
  if (!r) {
    lock.unlock();
    return refuse(500, "Server Internal Error");
  }
  (void)r->AddHeader("Expires", std::to_string(expires));
  (void)r->AddHeader("Contact", "<" + options_.contact + ">");
  s.call_id = m.CallId();
  s.local_tag = r->ToTag();
  s.remote_tag = m.FromTag();
  s.remote_uri = m.FromUri();
  s.remote_cseq = m.CSeqNumber();
  s.expires_at = now + expires;
  request->Respond(std::move(*r));
  std::string body = FullState(s);
  spdlog::info("CMS SIP subscription of {} to {} for {} s, NOTIFYs to {}", s.subscriber,
               s.watch_xui.empty() ? fmt::format("{} document(s)", s.documents.size())
                                   : "the profiles of " + s.watch_xui,
               expires, s.target.ToString());
  if (expires == 0) {  // a fetch (RFC 6665 4.4.3): one NOTIFY, no subscription
    SendNotify(s, body, "terminated;reason=timeout");
    return;
  }
  std::string key = s.call_id + "|" + s.local_tag;
  auto [it, inserted] = subs_.emplace(key, std::move(s));
  SendNotify(it->second, body, fmt::format("active;expires={}", expires));
}

void XcapDiffNotifier::SendNotify(Subscription& s, const std::string& body,
                                  std::string_view state) {
  ++s.local_cseq;
  // Durable before it leaves: a restarted CMS continues the dialog with a higher CSeq.
  Persist(s, state.starts_with("terminated"));
  net::SipMessage n = net::SipMessage::Request("NOTIFY", s.target_uri);
  Status st = n.AddHeader("From", "<" + options_.identity + ">;tag=" + s.local_tag);
  if (st) st = n.AddHeader("To", "<" + s.remote_uri + ">;tag=" + s.remote_tag);
  if (st) st = n.AddHeader("Call-ID", s.call_id);
  if (st) st = n.AddHeader("CSeq", fmt::format("{} NOTIFY", s.local_cseq));
  if (st) st = n.AddHeader("Max-Forwards", "70");
  if (st) st = n.AddHeader("Event", std::string(kXcapDiffEvent));
  if (st) st = n.AddHeader("Subscription-State", std::string(state));
  if (st) st = n.AddHeader("Contact", "<" + options_.contact + ">");
  if (st && !body.empty()) {
    st = n.SetBody(cms::kXcapDiffMime,
                   ByteView(reinterpret_cast<const uint8_t*>(body.data()), body.size()));
  }
  if (!st) {
    counters_.notifies_failed++;
    spdlog::warn("CMS SIP NOTIFY to {} not built: {}", s.subscriber, st.error().message());
    return;
  }
  std::string key = s.call_id + "|" + s.local_tag;
  std::string who = s.subscriber;
  uint32_t cseq = s.local_cseq;
  stack_.SendRequest(std::move(n), s.target, [this, key, who, cseq](Result<net::SipMessage> r) {
    if (r && r->StatusCode() >= 200 && r->StatusCode() < 300) {
      counters_.notifies_sent++;
      spdlog::debug("CMS SIP NOTIFY {} to {}: {}", cseq, who, r->StatusCode());
      return;
    }
    counters_.notifies_failed++;
    std::string what =
        r ? fmt::format("{} {}", r->StatusCode(), r->ReasonPhrase()) : r.error().message();
    spdlog::info("CMS SIP NOTIFY {} to {} failed ({}): subscription ended", cseq, who, what);
    std::lock_guard lock(mu_);
    // RFC 6665 4.2.2: 481, timeout or transport failure ends it
    if (auto it = subs_.find(key); it != subs_.end()) {
      Persist(it->second, /*ended=*/true);
      subs_.erase(it);
    }
  });
}

void XcapDiffNotifier::OnChange(const DocumentChange& change) {
  std::lock_guard lock(mu_);
  if (subs_.empty()) return;
  std::optional<std::string> body;
  const int64_t now = clock_();
  for (auto& [key, s] : subs_) {
    if (!Watches(s, change)) continue;
    if (!body) {
      auto diff = cms::DescribeDocumentChange(options_.xcap_root_uri, change.document_selector,
                                              change.previous_etag, change.new_etag, change.node,
                                              change.node_exists);
      auto xml = cms::SerializeXcapDiff(diff);
      if (!xml) return;
      body = std::move(*xml);
    }
    int64_t left = std::max<int64_t>(s.expires_at - now, 0);
    SendNotify(s, *body, fmt::format("active;expires={}", left));
  }
}

void XcapDiffNotifier::ExpireDue() {
  std::lock_guard lock(mu_);
  const int64_t now = clock_();
  for (auto it = subs_.begin(); it != subs_.end();) {
    if (it->second.expires_at <= now) {
      spdlog::info("CMS SIP subscription of {} expired", it->second.subscriber);
      SendNotify(it->second, "", "terminated;reason=timeout");
      it = subs_.erase(it);
    } else {
      ++it;
    }
  }
}

void XcapDiffNotifier::TerminateAll() {
  std::lock_guard lock(mu_);
  for (auto& [key, s] : subs_) SendNotify(s, "", "terminated;reason=noresource");
  subs_.clear();
}

}  // namespace kb::cms_service
