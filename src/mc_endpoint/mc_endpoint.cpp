// TS 23.283 clause 10.12 endpoint: registration (RFC 3261 10.2, kept alive), sending and
// receiving non-3GPP security messages over net::SipStack (docs/mc-server.md, "Endpoint").
#include "mc_endpoint/mc_endpoint.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

#include "core/encoding.h"
#include "crypto/random.h"
#include "net/register_client.h"
#include "net/registrar.h"

namespace kb::mc_endpoint {

using Clock = std::chrono::steady_clock;

struct McEndpoint::State : std::enable_shared_from_this<McEndpoint::State> {
  McEndpointConfig config;
  std::unique_ptr<net::SipStack> stack;
  std::string contact;

  std::mutex mu;
  std::condition_variable cv;
  MessageHandler handler;
  bool active = false;     // Register called and not Unregister
  bool in_flight = false;  // a REGISTER exchange is running
  bool is_registered = false;
  bool stopping = false;
  Clock::time_point next_register = Clock::time_point::max();
  std::function<void(Status)> on_result;
  std::thread refresher;

  std::deque<mc::MessageId> seen_order;  // dedup window, stack thread only
  std::set<mc::MessageId> seen;

  void RefreshLoop();
  void StartRegister(uint32_t expires, std::function<void(Status)> done);
  void OnRequest(std::shared_ptr<net::IncomingRequest> in);
  void SendParts(const std::string& target, std::vector<net::BodyPart> parts,
                 SendCallback callback);
  void RegisterNow() {
    std::lock_guard lock(mu);
    if (!active) return;
    is_registered = false;  // the server lost our binding (restart)
    next_register = Clock::now();
    cv.notify_all();
  }
};

namespace {

int StatusFor(const Error& e) {
  switch (e.kind()) {
    case ErrorKind::kMalformed:
    case ErrorKind::kTruncated:
    case ErrorKind::kInvalidArgument:
      return 400;
    case ErrorKind::kUnauthorised:
    case ErrorKind::kWrongRecipient:
      return 403;
    case ErrorKind::kNotFound:
      return 404;
    case ErrorKind::kUnsupported:
      return 415;
    default:
      return 500;
  }
}

std::string_view StatusText(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 415:
      return "Unsupported Media Type";
    default:
      return "Server Internal Error";
  }
}

// "sip:alice@example.org" -> "alice".
std::string UserPart(std::string_view uri) {
  auto colon = uri.find(':');
  auto at = uri.find('@');
  if (colon == std::string_view::npos || at == std::string_view::npos || at < colon) return {};
  return std::string(uri.substr(colon + 1, at - colon - 1));
}

}  // namespace

mc::MessageId NewMessageId() {
  mc::MessageId id;
  crypto::RandomFill(id);
  return id;
}

void McEndpoint::State::RefreshLoop() {
  std::unique_lock lock(mu);
  while (!stopping) {
    if (next_register == Clock::time_point::max()) {
      cv.wait(lock);
      continue;
    }
    if (cv.wait_until(lock, next_register) != std::cv_status::timeout &&
        Clock::now() < next_register) {
      continue;
    }
    if (stopping || !active || in_flight) {
      if (!active || in_flight) next_register = Clock::time_point::max();
      continue;
    }
    in_flight = true;
    next_register = Clock::time_point::max();
    lock.unlock();
    std::weak_ptr<State> weak = weak_from_this();
    StartRegister(config.expires, [weak](Status st) {
      auto self = weak.lock();
      if (!self) return;
      std::function<void(Status)> cb;
      {
        std::lock_guard l(self->mu);
        self->in_flight = false;
        self->is_registered = st.has_value();
        if (self->active) {
          auto period = st ? (self->config.refresh.count() > 0
                                  ? self->config.refresh
                                  : std::chrono::milliseconds(self->config.expires * 500))
                           : self->config.retry;
          if (period < std::chrono::milliseconds(100)) period = std::chrono::milliseconds(100);
          self->next_register = Clock::now() + period;
        }
        cb = self->on_result;
        self->cv.notify_all();
      }
      if (cb) cb(st);
    });
    lock.lock();
  }
}

void McEndpoint::State::StartRegister(uint32_t expires, std::function<void(Status)> done) {
  net::RegistrationRequest r;
  r.aor = config.identity;
  r.contact = contact;
  r.username = config.username;
  r.password = config.password.Clone();
  r.expires = expires;
  r.registrar = config.server;
  r.registrar_uri = config.server_uri;
  std::string who = config.identity;
  net::Register(*stack, std::move(r), [done, who, expires](Result<net::SipMessage> res) {
    if (!res) {
      spdlog::warn("mc endpoint {}: REGISTER failed: {}", who, res.error().message());
      return done(Fail(res.error()));
    }
    int code = res->StatusCode();
    if (code < 200 || code >= 300) {
      spdlog::warn("mc endpoint {}: REGISTER refused: {} {}", who, code, res->ReasonPhrase());
      return done(
          Fail(Error::Unauthorised(fmt::format("REGISTER: {} {}", code, res->ReasonPhrase()))));
    }
    spdlog::debug("mc endpoint {}: registered (expires {})", who, expires);
    done(Ok());
  });
}

void McEndpoint::State::OnRequest(std::shared_ptr<net::IncomingRequest> in) {
  const net::SipMessage& req = in->request();
  std::string method = req.Method();
  if (method == "OPTIONS") return in->Respond(200, "OK");
  if (method != "MESSAGE") return in->Respond(405, "Method Not Allowed: only MESSAGE is accepted");
  auto parts = net::BodyParts(req);
  if (!parts) return in->Respond(400, "Bad Request: " + parts.error().message());
  auto body = ParseMessageBody(*parts);
  if (!body) {
    spdlog::warn("mc endpoint {}: MESSAGE from {} refused: {}", config.identity, req.FromUri(),
                 body.error().message());
    return in->Respond(
        StatusFor(body.error()) == 415 ? 415 : 400,
        fmt::format("{}: {}",
                    StatusFor(body.error()) == 415 ? "Unsupported Media Type" : "Bad Request",
                    body.error().message()));
  }
  if (auto id = MessageIdOf(*body)) {
    if (seen.contains(*id)) {
      spdlog::info("mc endpoint {}: duplicate {} {} from {} dropped", config.identity,
                   MessageKindName(*body), ToHex(*id), req.FromUri());
      return in->Respond(200, "OK (duplicate)");
    }
  }
  ReceivedMessage m;
  m.carrier = std::holds_alternative<SdsSecurityMessage>(*body) ? Carrier::kSds
                                                                : Carrier::kInterworkingData;
  m.from = req.FromUri();
  m.request_uri = req.RequestUri();
  m.body = std::move(*body);
  MessageHandler h;
  {
    std::lock_guard lock(mu);
    h = handler;
  }
  Status st = h ? h(m) : Status(Fail(Error::Unsupported("no handler for security messages")));
  if (!st) {
    int code = StatusFor(st.error());
    return in->Respond(code, fmt::format("{}: {}", StatusText(code), st.error().message()));
  }
  if (auto id = MessageIdOf(m.body)) {
    seen.insert(*id);
    seen_order.push_back(*id);
    while (seen_order.size() > config.dedup_window) {
      seen.erase(seen_order.front());
      seen_order.pop_front();
    }
  }
  in->Respond(200, "OK");
}

void McEndpoint::State::SendParts(const std::string& target, std::vector<net::BodyPart> parts,
                                  SendCallback callback) {
  auto req = stack->NewRequest("MESSAGE", target, target, config.identity);
  if (!req) return callback(Fail(req.error()));
  if (auto s = net::SetMultipartBody(*req, parts); !s) return callback(Fail(s.error()));
  std::weak_ptr<State> weak = weak_from_this();
  stack->SendRequest(std::move(*req), config.server,
                     [weak, cb = std::move(callback)](Result<net::SipMessage> res) {
                       if (!res) {
                         // A broken connection often means the server restarted.
                         if (res.error().kind() == ErrorKind::kIo) {
                           if (auto self = weak.lock()) self->RegisterNow();
                         }
                         return cb(Fail(res.error()));
                       }
                       SendOutcome o{res->StatusCode(), res->ReasonPhrase()};
                       if (o.status == 403 && o.reason.starts_with(kNotRegisteredReason)) {
                         if (auto self = weak.lock()) self->RegisterNow();
                       }
                       cb(std::move(o));
                     });
}

McEndpoint::McEndpoint(std::shared_ptr<State> state) : state_(std::move(state)) {}

Result<std::unique_ptr<McEndpoint>> McEndpoint::Start(McEndpointConfig config) {
  std::string user = UserPart(config.identity);
  if (user.empty() || !config.identity.starts_with("sip:")) {
    return Fail(Error::InvalidArgument("MC endpoint identity is not a sip: URI with a user: " +
                                       config.identity));
  }
  auto state = std::make_shared<State>();
  if (config.stack.user == "keybridge") config.stack.user = user;
  state->config = std::move(config);
  KB_TRY(state->stack, net::SipStack::Start(state->config.stack));
  net::Transport t = state->config.server.transport;
  auto local = state->stack->LocalEndpoint(t);
  state->contact = fmt::format("sip:{}@{}:{}{}", user, local.host, local.port,
                               t == net::Transport::kTcp ? ";transport=tcp" : "");
  std::weak_ptr<State> weak = state;
  state->stack->SetRequestHandler([weak](std::shared_ptr<net::IncomingRequest> in) {
    if (auto self = weak.lock()) self->OnRequest(std::move(in));
  });
  state->refresher = std::thread([raw = state.get()] { raw->RefreshLoop(); });
  return std::unique_ptr<McEndpoint>(new McEndpoint(std::move(state)));
}

McEndpoint::~McEndpoint() {
  {
    std::lock_guard lock(state_->mu);
    state_->stopping = true;
    state_->active = false;
    state_->cv.notify_all();
  }
  if (state_->refresher.joinable()) state_->refresher.join();
  state_->stack.reset();  // fails pending transactions, joins the stack thread
}

void McEndpoint::SetMessageHandler(MessageHandler handler) {
  std::lock_guard lock(state_->mu);
  state_->handler = std::move(handler);
}

void McEndpoint::Register(std::function<void(Status)> on_result) {
  std::lock_guard lock(state_->mu);
  state_->on_result = std::move(on_result);
  state_->active = true;
  state_->next_register = Clock::now();
  state_->cv.notify_all();
}

Status McEndpoint::WaitRegistered(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mu);
  if (!state_->cv.wait_for(lock, timeout, [&] { return state_->is_registered; })) {
    return Fail(Error::Expired(
        fmt::format("{} not registered within {} ms", state_->config.identity, timeout.count())));
  }
  return Ok();
}

bool McEndpoint::registered() const {
  std::lock_guard lock(state_->mu);
  return state_->is_registered;
}

void McEndpoint::Unregister(std::function<void(Status)> done) {
  {
    std::lock_guard lock(state_->mu);
    state_->active = false;
    state_->is_registered = false;
    state_->next_register = Clock::time_point::max();
  }
  state_->StartRegister(0, [done](Status st) {
    if (done) done(st);
  });
}

void McEndpoint::Send(std::string target_uri, mc::InterworkingMessage message,
                      SendCallback callback) {
  std::visit(
      [](auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (!std::is_same_v<T, mc::SecurityMessageResponse>) {
          if (!m.message_id) m.message_id = NewMessageId();
        }
      },
      message);
  auto parts = BuildSecurityMessageBody({target_uri, state_->config.identity}, message);
  if (!parts) return callback(Fail(parts.error()));
  state_->SendParts(target_uri, std::move(*parts), std::move(callback));
}

void McEndpoint::SendSds(SdsSecurityMessage message, SendCallback callback) {
  message.addressing.calling_user_id = state_->config.identity;
  if (message.message_id == mc::MessageId{}) message.message_id = NewMessageId();
  auto parts = BuildSdsMessageBody(message);
  if (!parts) return callback(Fail(parts.error()));
  state_->SendParts(message.addressing.request_uri, std::move(*parts), std::move(callback));
}

void McEndpoint::SendResponse(const ReceivedMessage& request, SendCallback callback) {
  if (const auto* sds = std::get_if<SdsSecurityMessage>(&request.body)) {
    if (sds->in_reply_to) {
      return callback(Fail(Error::InvalidArgument("SendResponse: the SDS is itself a response")));
    }
    SdsSecurityMessage r;
    r.addressing.request_uri = request.from;
    r.lmr_type = sds->lmr_type;
    r.in_reply_to = sds->message_id;
    r.conversation_id = sds->conversation_id;
    return SendSds(std::move(r), std::move(callback));
  }
  const auto& m = std::get<SecurityMessageBody>(request.body).message;
  mc::SecurityMessageResponse r;
  if (const auto* q = std::get_if<mc::SecurityMessageRequest>(&m)) {
    r.mc_service_id = q->mc_service_id;
    r.lmr_security_fe_uri = q->lmr_security_fe_uri;
    r.message_id = q->message_id;
  } else if (const auto* s = std::get_if<mc::IwfShortMessage>(&m)) {
    r.mc_service_id = s->mc_id;
    r.lmr_security_fe_uri = request.from;
    r.message_id = s->message_id;
  } else {
    return callback(Fail(Error::InvalidArgument("SendResponse: the message is itself a response")));
  }
  Send(request.from, std::move(r), std::move(callback));
}

const std::string& McEndpoint::identity() const { return state_->config.identity; }
std::string McEndpoint::contact() const { return state_->contact; }
net::SipStack& McEndpoint::stack() { return *state_->stack; }

}  // namespace kb::mc_endpoint
