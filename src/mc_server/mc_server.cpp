// TS 23.283 clause 10.12 MC service server: registrar, relay with durable store-and-forward,
// authorisation and counters (docs/mc-server.md).
#include "mc_server/mc_server.h"

#include <fmt/format.h>
#include <osipparser2/osip_parser.h>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "mc_endpoint/mc_endpoint.h"
#include "mc_endpoint/security_message_sip.h"
#include "net/sip_multipart.h"

namespace kb::mc_server {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::string_view kGmkDeliveryKind = "gmk-delivery";  // StoredMessage::kind

// A registered contact: where to deliver (its Contact URI) and the flow its REGISTER came on
// (the sender check of docs/mc-server.md).
struct ContactRecord {
  std::string uri;
  net::SipEndpoint delivery;
  net::SipEndpoint flow;
  net::RegistrarClock::time_point expires_at;
};

// One message in a target's delivery queue.
struct Item {
  StoredMessage msg;
  std::vector<net::BodyPart> parts;
  // The relayed body as text with its Content-Type: the body as received for a cut-through
  // (forwarded unchanged), else printed once from `parts` (MultipartBodyText) on first delivery.
  std::string content_type;
  std::string body;
  bool in_flight = false;
  bool delivered = false;
  size_t outstanding = 0;
  // Cut-through: the request is still waiting for its answer; it gets the contact's 2xx, or
  // is stored (then 202) when every contact fails. Not in the store, not in the queue.
  std::shared_ptr<net::IncomingRequest> upstream;
  // Outcome of the current delivery round: a transport error, 408, 480 or 5xx from any contact
  // makes it worth retrying; if every contact refused with another 4xx or a 6xx, the target has
  // answered for good (docs/mc-server.md "Refusals by the target") and the queue moves on.
  bool transient_failure = false;
  int refusal_status = 0;
  std::string refusal_reason;
};

bool IsFinalRefusal(int status) {
  return (status >= 400 && status < 500 && status != 408 && status != 480) || status >= 600;
}

struct TargetQueue {
  std::deque<std::shared_ptr<Item>> items;
  size_t in_flight = 0;
  size_t cut_through = 0;  // cut-through items in flight
  Clock::time_point retry_at{};
};

struct Accepted {
  StoredMessage msg;
  std::vector<net::BodyPart> parts;
  std::string content_type;  // the received body and its Content-Type (cut-through)
  std::string body;
  std::shared_ptr<net::IncomingRequest> in;
};

// host, port and transport of a contact URI ("sip:alice@127.0.0.1:5070;transport=tcp").
std::optional<net::SipEndpoint> DeliveryEndpoint(const std::string& uri) {
  osip_uri_t* u = nullptr;
  osip_uri_init(&u);
  std::unique_ptr<osip_uri_t, void (*)(osip_uri_t*)> guard(u, &osip_uri_free);
  if (osip_uri_parse(u, uri.c_str()) != 0 || u->host == nullptr) return std::nullopt;
  net::SipEndpoint e;
  e.host = u->host;
  e.port = 5060;
  if (u->port != nullptr) {
    int p = std::atoi(u->port);
    if (p <= 0 || p > 65535) return std::nullopt;
    e.port = static_cast<uint16_t>(p);
  }
  osip_uri_param_t* t = nullptr;
  if (osip_uri_uparam_get_byname(u, const_cast<char*>("transport"), &t) == 0 && t &&
      t->gvalue != nullptr) {
    std::string v = t->gvalue;
    for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (v == "tcp") {
      e.transport = net::Transport::kTcp;
    } else if (v != "udp") {
      return std::nullopt;
    }
  }
  return e;
}

std::chrono::nanoseconds ThreadCpu(pthread_t t) {
  clockid_t id;
  if (pthread_getcpuclockid(t, &id) != 0) return {};
  timespec ts{};
  if (clock_gettime(id, &ts) != 0) return {};
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

}  // namespace

struct McServer::Impl : std::enable_shared_from_this<McServer::Impl> {
  Impl(McServerConfig c, net::CredentialLookup lookup,
       std::function<bool(std::string_view)> known_user, MessageStore& s, net::SipStack& st)
      : config(std::move(c)),
        registrar(config.registrar, std::move(lookup)),
        router(config.entities, std::move(known_user), config.max_payload),
        store(s),
        stack(st) {}

  void OnRequest(std::shared_ptr<net::IncomingRequest> in);
  void OnRegister(const std::shared_ptr<net::IncomingRequest>& in);
  // Puts the bindings of the registration store back (Start).
  Status LoadRegistrations();
  void OnMessage(std::shared_ptr<net::IncomingRequest> in);
  void OnGmkDelivery(std::shared_ptr<net::IncomingRequest> in, const Route& route,
                     std::vector<net::BodyPart> parts);
  void Refuse(net::IncomingRequest& in, const Refusal& r);
  void Count(const std::string& name, uint64_t n = 1) {
    std::lock_guard lock(cmu);
    counters[name] += n;
  }
  bool SenderRegistered(const std::string& aor, const net::SipEndpoint& source);
  void Pump(const std::string& target);  // mu held
  void Deliver(const std::string& target, const std::shared_ptr<Item>& item,
               const std::vector<ContactRecord>& to);  // mu held
  void OnDelivery(const std::string& target, const std::shared_ptr<Item>& item,
                  const std::string& contact, Result<net::SipMessage> res);
  bool TryCutThrough(Accepted& a);
  void Store(Accepted a);
  void WorkerLoop();
  void CommitBatch(std::vector<Accepted>& batch);

  McServerConfig config;
  net::Registrar registrar;
  Router router;
  MessageStore& store;
  net::SipStack& stack;
  RegistrationStore* registrations = nullptr;

  std::mutex mu;  // contacts, queues
  std::map<std::string, std::vector<ContactRecord>> contacts;
  std::map<std::string, TargetQueue> queues;

  std::mutex wmu;  // worker input
  std::condition_variable wcv;
  std::vector<Accepted> to_store;
  std::vector<int64_t> to_mark;
  std::map<std::string, Clock::time_point> retries;
  bool stopping = false;
  std::thread worker;
  size_t marked_since_prune = 0;

  mutable std::mutex cmu;
  std::map<std::string, uint64_t> counters;

  std::atomic<bool> have_stack_thread{false};
  pthread_t stack_thread{};
  pthread_t worker_thread{};
  bool started = false;
  std::function<bool(std::string_view)> is_known_user;  // for the INVITE proxy
  std::shared_ptr<InviteProxy> invite_proxy;
};

void McServer::Impl::Refuse(net::IncomingRequest& in, const Refusal& r) {
  Count(r.counter);
  Count("refused");
  spdlog::warn("mc-server: MESSAGE {} -> {} from {} refused {} {}: {}", in.request().FromUri(),
               in.request().RequestUri(), in.source().ToString(), r.status, r.counter, r.reason);
  in.Respond(r.status, r.reason);
}

void McServer::Impl::OnRequest(std::shared_ptr<net::IncomingRequest> in) {
  if (!have_stack_thread.exchange(true)) stack_thread = pthread_self();
  std::string method = in->request().Method();
  if (method == "REGISTER") return OnRegister(in);
  if (method == "MESSAGE") return OnMessage(std::move(in));
  if (method == "OPTIONS") return in->Respond(200, "OK");
  Count("refused_method");
  in->Respond(405, "Method Not Allowed: the MC service server takes REGISTER and MESSAGE");
}

void McServer::Impl::OnRegister(const std::shared_ptr<net::IncomingRequest>& in) {
  const net::SipMessage& req = in->request();
  auto now = net::RegistrarClock::now();
  net::SipMessage resp = registrar.Handle(req, now);
  int code = resp.StatusCode();
  std::string reason = resp.ReasonPhrase();
  if (code != 200) in->Respond(std::move(resp));
  if (code == 401) return;
  std::string aor = net::Registrar::CanonicalAor(req.ToUri());
  if (code != 200) {
    Count("register_refused");
    spdlog::warn("mc-server: REGISTER {} from {} refused: {} {}", aor, in->source().ToString(),
                 code, reason);
    return;
  }
  Count("registrations");
  auto bindings = registrar.Lookup(aor, now);
  std::vector<StoredBinding> durable;
  size_t count = 0;
  {
    std::lock_guard lock(mu);
    auto& list = contacts[aor];
    std::vector<ContactRecord> next;
    for (const auto& b : bindings) {
      auto old = std::find_if(list.begin(), list.end(),
                              [&](const ContactRecord& c) { return c.uri == b.contact; });
      bool this_request = b.call_id == req.CallId() && b.cseq == req.CSeqNumber();
      if (!this_request && old == list.end()) continue;  // registered elsewhere: unknown flow
      auto delivery = DeliveryEndpoint(b.contact);
      if (!delivery) {
        spdlog::warn("mc-server: contact {} of {} has no usable address", b.contact, aor);
        continue;
      }
      ContactRecord c{b.contact, *delivery, this_request ? in->source() : old->flow, b.expires_at};
      if (registrations != nullptr) {
        durable.push_back(
            {aor, b.contact, b.call_id, b.cseq, c.flow,
             std::chrono::duration_cast<std::chrono::seconds>(b.expires_at.time_since_epoch())
                 .count()});
      }
      next.push_back(std::move(c));
    }
    list = std::move(next);
    count = list.size();
    if (list.empty()) contacts.erase(aor);
  }
  // Durable before the 200 (docs/mc-server.md "Registrations across a restart"); a store failure
  // leaves the registration in memory only.
  if (registrations != nullptr) {
    if (auto st = registrations->Replace(aor, durable); !st) {
      Count("registration_store_failures");
      spdlog::error("mc-server: storing the registration of {} failed: {}", aor,
                    st.error().message());
    }
  }
  in->Respond(std::move(resp));
  spdlog::info("mc-server: {} registered from {} ({} contacts)", aor, in->source().ToString(),
               count);
  std::lock_guard lock(mu);
  Pump(aor);
}

Status McServer::Impl::LoadRegistrations() {
  if (registrations == nullptr) return Ok();
  auto now = net::RegistrarClock::now();
  KB_TRY(auto stored,
         registrations->Load(
             std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count()));
  std::lock_guard lock(mu);
  for (const auto& b : stored) {
    auto delivery = DeliveryEndpoint(b.contact);
    if (!delivery) continue;
    net::RegistrarClock::time_point expires_at{std::chrono::seconds(b.expires_at)};
    registrar.Restore(b.aor, {b.contact, b.call_id, b.cseq, expires_at});
    contacts[b.aor].push_back({b.contact, *delivery, b.flow, expires_at});
  }
  if (!stored.empty())
    spdlog::info("mc-server: {} registered contacts loaded from the store", stored.size());
  return Ok();
}

bool McServer::Impl::SenderRegistered(const std::string& aor, const net::SipEndpoint& source) {
  auto now = net::RegistrarClock::now();
  std::lock_guard lock(mu);
  auto it = contacts.find(aor);
  if (it == contacts.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(), [&](const ContactRecord& c) {
    return c.flow == source && c.expires_at > now;
  });
}

void McServer::Impl::OnMessage(std::shared_ptr<net::IncomingRequest> in) {
  const net::SipMessage& req = in->request();
  std::string from = req.FromUri();
  std::string sender = net::Registrar::CanonicalAor(from);
  auto route =
      router.CheckAddressing(from, req.RequestUri(), SenderRegistered(sender, in->source()));
  if (!route) return Refuse(*in, route.error());
  auto parts = net::BodyParts(req);
  if (!parts) {
    return Refuse(*in, {400, "Bad Request: " + parts.error().message(), "refused_malformed_body"});
  }
  if (router.IsGms(route->sender)) return OnGmkDelivery(std::move(in), *route, std::move(*parts));
  auto body = mc_endpoint::ParseMessageBody(*parts);
  if (auto ok = router.CheckBody(*route, body); !ok) return Refuse(*in, ok.error());

  Accepted a;
  a.msg.target = route->target;
  a.msg.sender = route->sender;
  auto id = mc_endpoint::MessageIdOf(*body);
  a.msg.message_id = id ? *id : mc_endpoint::NewMessageId();
  a.msg.kind = mc_endpoint::MessageKindName(*body);
  a.msg.payload_length = static_cast<uint32_t>(mc_endpoint::PayloadLength(*body));
  a.parts = std::move(*parts);
  if (!req.ReceivedBody().empty()) {
    a.content_type = req.ContentTypeValue();
    a.body = req.ReceivedBody();
  }
  a.in = std::move(in);
  if (TryCutThrough(a)) return;
  Store(std::move(a));
}

void McServer::Impl::OnGmkDelivery(std::shared_ptr<net::IncomingRequest> in, const Route& route,
                                   std::vector<net::BodyPart> parts) {
  auto part = router.CheckGmkDelivery(route, parts);
  if (!part) return Refuse(*in, part.error());
  Accepted a;
  a.msg.target = route.target;
  a.msg.sender = route.sender;
  // The GMS resends a delivery until it gets a 2xx: the same body is the same message.
  auto digest = crypto::Sha256((*part)->data);
  std::copy_n(digest.begin(), a.msg.message_id.size(), a.msg.message_id.begin());
  a.msg.kind = std::string(kGmkDeliveryKind);
  a.msg.payload_length = static_cast<uint32_t>((*part)->data.size());
  a.parts = std::move(parts);
  const net::SipMessage& req = in->request();
  if (!req.ReceivedBody().empty()) {
    a.content_type = req.ContentTypeValue();
    a.body = req.ReceivedBody();
  }
  a.in = std::move(in);
  if (TryCutThrough(a)) return;
  Store(std::move(a));
}

void McServer::Impl::Store(Accepted a) {
  std::lock_guard lock(wmu);
  to_store.push_back(std::move(a));
  if (to_store.size() == 1) wcv.notify_one();
}

bool McServer::Impl::TryCutThrough(Accepted& a) {
  std::lock_guard lock(mu);
  auto cit = contacts.find(a.msg.target);
  if (cit == contacts.end()) return false;
  auto now = net::RegistrarClock::now();
  std::erase_if(cit->second, [&](const ContactRecord& c) { return c.expires_at <= now; });
  if (cit->second.empty()) return false;
  auto& q = queues[a.msg.target];
  // Only with no backlog (order), within the window, and not while redelivery waits.
  if (!q.items.empty() || q.cut_through >= config.window_tcp || Clock::now() < q.retry_at) {
    return false;
  }
  auto item = std::make_shared<Item>();
  item->msg = std::move(a.msg);
  item->parts = std::move(a.parts);
  item->content_type = std::move(a.content_type);
  item->body = std::move(a.body);
  item->upstream = std::move(a.in);
  item->in_flight = true;
  ++q.cut_through;
  Deliver(item->msg.target, item, cit->second);
  return true;
}

void McServer::Impl::CommitBatch(std::vector<Accepted>& batch) {
  std::vector<StoredMessage> msgs;
  msgs.reserve(batch.size());
  for (auto& a : batch) {
    if (a.msg.body.empty()) a.msg.body = EncodeStoredBody(a.parts);
    msgs.push_back(std::move(a.msg));
  }
  auto fresh = store.Append(msgs);
  if (!fresh) {
    spdlog::error("mc-server: store failed: {}", fresh.error().message());
    for (auto& a : batch) {
      a.in->Respond(500, "Server Internal Error: the message store failed");
    }
    Count("store_failures", batch.size());
    return;
  }
  std::vector<std::string> touched;
  {
    std::lock_guard lock(mu);
    for (size_t i = 0; i < batch.size(); ++i) {
      StoredMessage& m = msgs[i];
      if (!(*fresh)[i]) {
        Count("duplicates");
        spdlog::info("mc-server: {} -> {} {} id {}: duplicate, already accepted", m.sender,
                     m.target, m.kind, ToHex(m.message_id));
        batch[i].in->Respond(200, "OK: duplicate message ID, already accepted");
        continue;
      }
      batch[i].in->Respond(202, "Accepted: stored for delivery");
      if (spdlog::should_log(spdlog::level::info))
        spdlog::info("mc-server: {} -> {} {} id {} payload {} octets accepted (seq {})", m.sender,
                     m.target, m.kind, ToHex(m.message_id), m.payload_length, m.seq);
      auto item = std::make_shared<Item>();
      item->parts = std::move(batch[i].parts);
      m.body.clear();
      item->msg = std::move(m);
      auto& q = queues[item->msg.target];
      if (touched.empty() || touched.back() != item->msg.target)
        touched.push_back(item->msg.target);
      q.items.push_back(std::move(item));
    }
    Count("accepted", static_cast<uint64_t>(std::count(fresh->begin(), fresh->end(), true)));
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    for (const auto& t : touched) Pump(t);
  }
}

void McServer::Impl::Pump(const std::string& target) {
  auto qit = queues.find(target);
  if (qit == queues.end()) return;
  TargetQueue& q = qit->second;
  if (q.items.empty()) return;
  auto cit = contacts.find(target);
  if (cit == contacts.end()) return;
  auto now = net::RegistrarClock::now();
  std::erase_if(cit->second, [&](const ContactRecord& c) { return c.expires_at <= now; });
  if (cit->second.empty()) {
    contacts.erase(cit);
    return;
  }
  if (Clock::now() < q.retry_at) return;
  const auto& to = cit->second;
  bool any_udp = std::any_of(to.begin(), to.end(), [](const ContactRecord& c) {
    return c.delivery.transport == net::Transport::kUdp;
  });
  size_t window = std::max<size_t>(1, any_udp ? config.window_udp : config.window_tcp);
  for (auto& item : q.items) {
    if (q.in_flight >= window) break;
    if (item->in_flight) continue;
    item->in_flight = true;
    ++q.in_flight;
    Deliver(target, item, to);
  }
}

void McServer::Impl::Deliver(const std::string& target, const std::shared_ptr<Item>& item,
                             const std::vector<ContactRecord>& to) {
  item->outstanding = to.size();
  item->transient_failure = false;
  std::weak_ptr<Impl> weak = weak_from_this();
  if (item->body.empty() && item->msg.kind == kGmkDeliveryKind && item->parts.size() == 1) {
    // A GMK delivery is a single body, not multipart.
    item->content_type = item->parts.front().content_type;
    item->body.assign(item->parts.front().data.begin(), item->parts.front().data.end());
  }
  if (item->body.empty()) {
    auto text = net::MultipartBodyText(item->parts);
    if (text) {
      item->content_type = std::move(text->content_type);
      item->body = std::move(text->body);
    } else {
      // Not expected for a body that parsed: count it as a failed delivery to every contact.
      spdlog::error("mc-server: cannot build MESSAGE to {}: {}", target, text.error().message());
      Count("delivery_failures", to.size());
      item->outstanding = 0;
      item->in_flight = false;
      auto& q = queues[target];
      if (item->upstream) {
        if (q.cut_through > 0) --q.cut_through;
        item->delivered = true;
        item->upstream->Respond(500, "Server Internal Error: cannot relay this body");
        item->upstream.reset();
      } else if (q.in_flight > 0) {
        --q.in_flight;
      }
      return;
    }
  }
  for (const auto& c : to) {
    net::PreparedRequest r{"MESSAGE",          c.uri,     target, item->msg.sender,
                           item->content_type, item->body};
    stack.SendPrepared(r, c.delivery,
                       [weak, target, item, contact = c.uri](Result<net::SipMessage> res) {
                         if (auto self = weak.lock()) {
                           self->OnDelivery(target, item, contact, std::move(res));
                         }
                       });
  }
}

void McServer::Impl::OnDelivery(const std::string& target, const std::shared_ptr<Item>& item,
                                const std::string& contact, Result<net::SipMessage> res) {
  bool ok = res && res->StatusCode() >= 200 && res->StatusCode() < 300;
  std::lock_guard lock(mu);
  if (item->outstanding > 0) --item->outstanding;
  auto& q = queues[target];
  if (item->delivered) return;
  if (!ok) {
    if (res && IsFinalRefusal(res->StatusCode())) {
      item->refusal_status = res->StatusCode();
      item->refusal_reason = res->ReasonPhrase();
    } else {
      item->transient_failure = true;
    }
  }
  if (item->upstream) {
    if (ok) {
      item->delivered = true;
      item->in_flight = false;
      if (q.cut_through > 0) --q.cut_through;
      Count("accepted");
      Count("delivered");
      if (spdlog::should_log(spdlog::level::info))
        spdlog::info("mc-server: {} -> {} {} id {} payload {} octets delivered to {}",
                     item->msg.sender, target, item->msg.kind, ToHex(item->msg.message_id),
                     item->msg.payload_length, contact);
      item->upstream->Respond(200, "OK: delivered");
      item->upstream.reset();
      return;
    }
    Count("delivery_failures");
    spdlog::warn(
        "mc-server: cut-through of {} id {} to {} failed: {}", item->msg.kind,
        ToHex(item->msg.message_id), contact,
        res ? fmt::format("{} {}", res->StatusCode(), res->ReasonPhrase()) : res.error().message());
    if (item->outstanding > 0) return;
    if (q.cut_through > 0) --q.cut_through;
    item->in_flight = false;
    if (!item->transient_failure) {
      // Every contact refused it for good: the sender gets the target's answer; nothing stored.
      item->delivered = true;
      Count("refused_by_target");
      item->upstream->Respond(item->refusal_status,
                              "refused by the target: " + item->refusal_reason);
      item->upstream.reset();
      return;
    }
    // Every contact failed: store it like a message for an offline target (202 after commit).
    q.retry_at = Clock::now() + config.redelivery;
    {
      std::lock_guard wl(wmu);
      retries[target] = q.retry_at;
    }
    Accepted a;
    a.msg = item->msg;
    a.parts = item->parts;
    a.in = std::move(item->upstream);
    Store(std::move(a));
    return;
  }
  if (ok) {
    item->delivered = true;
    item->in_flight = false;
    if (q.in_flight > 0) --q.in_flight;
    std::erase(q.items, item);
    Count("delivered");
    if (spdlog::should_log(spdlog::level::info))
      spdlog::info("mc-server: {} -> {} {} id {} payload {} octets delivered to {}",
                   item->msg.sender, target, item->msg.kind, ToHex(item->msg.message_id),
                   item->msg.payload_length, contact);
    {
      std::lock_guard wl(wmu);
      to_mark.push_back(item->msg.seq);
      if (to_mark.size() == 1) wcv.notify_one();
    }
    Pump(target);
    return;
  }
  spdlog::warn(
      "mc-server: delivery of {} id {} to {} failed: {}", item->msg.kind,
      ToHex(item->msg.message_id), contact,
      res ? fmt::format("{} {}", res->StatusCode(), res->ReasonPhrase()) : res.error().message());
  Count("delivery_failures");
  if (item->outstanding > 0) return;  // another contact may still accept it
  item->in_flight = false;
  if (q.in_flight > 0) --q.in_flight;
  if (!item->transient_failure) {
    // Refused for good by every contact: retrying would block every later message to this
    // target behind it, so it is marked done like a delivery, counted and logged.
    item->delivered = true;
    std::erase(q.items, item);
    Count("refused_by_target");
    {
      std::lock_guard wl(wmu);
      to_mark.push_back(item->msg.seq);
      if (to_mark.size() == 1) wcv.notify_one();
    }
    Pump(target);
    return;
  }
  q.retry_at = Clock::now() + config.redelivery;
  std::lock_guard wl(wmu);
  retries[target] = q.retry_at;
  wcv.notify_one();
}

void McServer::Impl::WorkerLoop() {
  worker_thread = pthread_self();
  std::unique_lock lock(wmu);
  while (true) {
    Clock::time_point next_retry = Clock::time_point::max();
    for (const auto& [t, at] : retries) next_retry = std::min(next_retry, at);
    auto ready = [&] { return stopping || !to_store.empty() || !to_mark.empty(); };
    if (next_retry == Clock::time_point::max()) {
      wcv.wait(lock, ready);
    } else {
      wcv.wait_until(lock, next_retry, ready);
    }
    if (stopping && to_store.empty() && to_mark.empty()) break;
    std::vector<Accepted> batch;
    if (to_store.size() <= config.max_batch) {
      batch.swap(to_store);
    } else {
      batch.assign(std::make_move_iterator(to_store.begin()),
                   std::make_move_iterator(to_store.begin() + config.max_batch));
      to_store.erase(to_store.begin(), to_store.begin() + config.max_batch);
    }
    std::vector<int64_t> marks;
    marks.swap(to_mark);
    std::vector<std::string> due;
    auto now = Clock::now();
    for (auto it = retries.begin(); it != retries.end();) {
      if (it->second <= now) {
        due.push_back(it->first);
        it = retries.erase(it);
      } else {
        ++it;
      }
    }
    lock.unlock();
    if (!batch.empty()) CommitBatch(batch);
    if (!marks.empty()) {
      if (auto st = store.MarkDelivered(marks); !st) {
        spdlog::error("mc-server: marking delivered failed: {}", st.error().message());
      }
      marked_since_prune += marks.size();
      if (marked_since_prune > 4096) {
        marked_since_prune = 0;
        (void)store.Prune(config.dedup_keep);
      }
    }
    if (!due.empty()) {
      std::lock_guard l(mu);
      for (const auto& t : due) Pump(t);
    }
    lock.lock();
  }
}

// Calls (docs/mc-server.md "Calls through the server"): the INVITE proxy sees the registrations.
static std::shared_ptr<InviteProxy> MakeInviteProxy(const std::shared_ptr<McServer::Impl>& impl) {
  std::weak_ptr<McServer::Impl> weak = impl;
  InviteProxy::Hooks hooks;
  hooks.registered_from = [weak](const std::string& aor, const net::SipEndpoint& source) {
    auto self = weak.lock();
    return self && self->SenderRegistered(aor, source);
  };
  hooks.contacts = [weak](const std::string& aor) {
    std::vector<CallContact> out;
    auto self = weak.lock();
    if (!self) return out;
    auto now = net::RegistrarClock::now();
    std::lock_guard lock(self->mu);
    if (auto it = self->contacts.find(aor); it != self->contacts.end()) {
      for (const auto& c : it->second)
        if (c.expires_at > now) out.push_back({c.uri, c.delivery});
    }
    std::reverse(out.begin(), out.end());  // the most recent registration first
    return out;
  };
  hooks.count = [weak](const std::string& name) {
    if (auto self = weak.lock()) self->Count(name);
  };
  auto proxy = std::make_shared<InviteProxy>(
      InviteRouter(impl->config.interworked_groups, impl->is_known_user), std::move(hooks),
      impl->stack);
  proxy->Install();
  return proxy;
}

McServer::McServer(McServerConfig config, net::CredentialLookup lookup,
                   std::function<bool(std::string_view aor)> known_user, MessageStore& store,
                   net::SipStack& stack)
    : impl_(
          std::make_shared<Impl>(std::move(config), std::move(lookup), known_user, store, stack)) {
  impl_->is_known_user = std::move(known_user);
}

McServer::~McServer() { Stop(); }

void McServer::SetRegistrationStore(RegistrationStore* registrations) {
  impl_->registrations = registrations;
}

Status McServer::Start() {
  if (impl_->started) return Ok();
  KB_TRY(auto targets, impl_->store.PendingTargets());
  size_t loaded = 0;
  {
    std::lock_guard lock(impl_->mu);
    for (const auto& t : targets) {
      KB_TRY(auto msgs, impl_->store.Pending(t, SIZE_MAX));
      auto& q = impl_->queues[t];
      for (auto& m : msgs) {
        auto item = std::make_shared<Item>();
        auto parts = DecodeStoredBody(m.body);
        if (!parts) {
          spdlog::error("mc-server: stored message seq {} unreadable: {}", m.seq,
                        parts.error().message());
          continue;
        }
        item->parts = std::move(*parts);
        m.body.clear();
        item->msg = std::move(m);
        q.items.push_back(std::move(item));
        ++loaded;
      }
    }
  }
  if (loaded > 0) spdlog::info("mc-server: {} undelivered messages loaded from the store", loaded);
  KB_CHECK(impl_->LoadRegistrations());
  impl_->started = true;
  impl_->worker = std::thread([raw = impl_.get()] { raw->WorkerLoop(); });
  std::weak_ptr<Impl> weak = impl_;
  impl_->stack.SetRequestHandler([weak](std::shared_ptr<net::IncomingRequest> in) {
    if (auto self = weak.lock()) self->OnRequest(std::move(in));
  });
  impl_->invite_proxy = MakeInviteProxy(impl_);
  // Stored messages whose target is still registered (a restored binding) go out now.
  std::lock_guard lock(impl_->mu);
  for (const auto& [target, q] : impl_->queues) impl_->Pump(target);
  return Ok();
}

void McServer::Stop() {
  if (!impl_->started) return;
  impl_->stack.SetRequestHandler({});
  if (impl_->invite_proxy) impl_->invite_proxy->Uninstall();
  {
    std::lock_guard lock(impl_->wmu);
    impl_->stopping = true;
    impl_->wcv.notify_all();
  }
  if (impl_->worker.joinable()) impl_->worker.join();
  impl_->started = false;
}

std::map<std::string, uint64_t> McServer::Counters() const {
  std::map<std::string, uint64_t> out;
  {
    std::lock_guard lock(impl_->cmu);
    out = impl_->counters;
  }
  std::lock_guard lock(impl_->mu);
  uint64_t pending = 0, contacts = 0;
  for (const auto& [t, q] : impl_->queues) pending += q.items.size();
  for (const auto& [a, l] : impl_->contacts) contacts += l.size();
  out["pending"] = pending;
  out["registered_contacts"] = contacts;
  return out;
}

std::chrono::nanoseconds McServer::CpuTime() const {
  std::chrono::nanoseconds total{};
  if (impl_->have_stack_thread.load()) total += ThreadCpu(impl_->stack_thread);
  if (impl_->worker.joinable()) total += ThreadCpu(impl_->worker_thread);
  return total;
}

}  // namespace kb::mc_server
