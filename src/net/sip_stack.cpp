// RFC 3261 SIP user agent core: transaction matching (17.1.3, 17.2.3), Via handling (8.1.1.7,
// 18.2.1, RFC 3581), response routing (18.2.2) and the io_context thread. The INVITE side is in
// sip_stack_invite.cpp.
#include "net/sip_stack.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <optional>

#include "net/sip_framing.h"
#include "net/sip_stack_impl.h"
#include "net/sip_token.h"

namespace kb::net {

namespace asio = boost::asio;

std::string_view TransportName(Transport t) { return t == Transport::kUdp ? "UDP" : "TCP"; }

std::string SipEndpoint::ToString() const {
  bool v6 = host.find(':') != std::string::npos;
  return std::string(TransportName(transport)) + " " + (v6 ? "[" + host + "]" : host) + ":" +
         std::to_string(port);
}

std::string OneLine(std::string_view s) {
  std::string out(s.substr(0, 200));
  for (auto& c : out) {
    if (c == '\r' || c == '\n' || static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return out;
}

std::string Describe(const SipMessage& m) {
  std::string ct = m.ContentType();
  return fmt::format("call-id {} cseq {} {}, body {} octets{}{}", m.CallId(), m.CSeqNumber(),
                     m.Method(), m.BodySize(), ct.empty() ? "" : " ", ct);
}

std::string HostPort(std::string_view host, uint16_t port) {
  bool v6 = host.find(':') != std::string_view::npos && host.front() != '[';
  return (v6 ? "[" + std::string(host) + "]" : std::string(host)) + ":" + std::to_string(port);
}

SipStack::Impl::Impl(SipStackConfig c)
    : config(std::move(c)),
      work(asio::make_work_guard(io)),
      transport(io, config,
                {[this](std::string text, const SipEndpoint& source) {
                   OnMessage(std::move(text), source);
                 },
                 [this](std::string head, std::string reason, const SipEndpoint& source) {
                   AnswerBadMessage(head, reason, source);
                 }}) {
  if (config.via_host.empty()) config.via_host = config.bind_address;
  timers = {config.t1, config.t2, config.t4};
}

IncomingRequestImpl::IncomingRequestImpl(std::weak_ptr<SipStack::Impl> stack, Deliver deliver,
                                         SipMessage request, SipEndpoint source,
                                         DeliverWire deliver_wire)
    : stack_(std::move(stack)),
      deliver_(std::move(deliver)),
      deliver_wire_(std::move(deliver_wire)),
      request_(std::move(request)),
      source_(std::move(source)) {}

IncomingRequestImpl::~IncomingRequestImpl() {
  if (!answered_.load()) Respond(500, "Server Internal Error: request handler did not answer");
}

void IncomingRequestImpl::Respond(int status, std::string_view reason) {
  if (deliver_wire_) {
    auto wire = SipMessage::ResponseText(request_, status, OneLine(reason));
    if (!wire) {
      spdlog::error("sip: cannot build response {}: {}", status, wire.error().message());
      return;
    }
    if (status >= 200 && answered_.exchange(true)) {
      spdlog::warn("sip: second final response {} to {} dropped", status, request_.CallId());
      return;
    }
    auto stack = stack_.lock();
    if (!stack) return;
    asio::post(stack->io, [deliver = deliver_wire_, status, w = std::move(*wire)]() mutable {
      deliver(status, std::move(w));
    });
    return;
  }
  auto r = SipMessage::ResponseTo(request_, status, OneLine(reason));
  if (!r) {
    spdlog::error("sip: cannot build response {}: {}", status, r.error().message());
    return;
  }
  Respond(std::move(*r));
}

void IncomingRequestImpl::Respond(SipMessage response) {
  int status = response.StatusCode();
  if (status >= 200 && answered_.exchange(true)) {
    spdlog::warn("sip: second final response {} to {} dropped", status, request_.CallId());
    return;
  }
  auto stack = stack_.lock();
  if (!stack) return;
  auto cell = std::make_shared<SipMessage>(std::move(response));
  asio::post(stack->io, [deliver = deliver_, cell] { deliver(std::move(*cell)); });
}

std::string SipStack::Impl::ResponseWire(const SipMessage& response, const SipEndpoint& to) {
  auto wire = response.Serialise();
  if (!wire) {
    spdlog::error("sip: response {} not sent: {}", response.StatusCode(), wire.error().message());
    return {};
  }
  if (spdlog::should_log(spdlog::level::debug)) {
    spdlog::debug("sip: tx {} {} to {}, {}", response.StatusCode(),
                  OneLine(response.ReasonPhrase()), to.ToString(), Describe(response));
  }
  return std::move(*wire);
}

void SipStack::Impl::SendWire(const SipEndpoint& to, const std::string& wire) {
  transport.Send(to, wire, [to](const Error& e) {
    spdlog::warn("sip: message to {} not sent: {}", to.ToString(), e.message());
  });
}

std::string SipStack::Impl::ContactFor(Transport t) const {
  uint16_t port = t == Transport::kUdp ? transport.udp_port() : transport.tcp_port();
  return fmt::format("<sip:{}@{}{}>", config.user, HostPort(config.via_host, port),
                     t == Transport::kTcp ? ";transport=tcp" : "");
}

void SipStack::Impl::OnMessage(std::string text, const SipEndpoint& source) {
  if (stopped) return;
  auto parsed = SipMessage::Parse(text);
  if (!parsed) {
    spdlog::warn("sip: from {}: {}", source.ToString(), parsed.error().message());
    AnswerBadMessage(text, parsed.error().message(), source);
    return;
  }
  if (parsed->IsRequest()) {
    OnRequest(std::move(*parsed), source);
  } else {
    OnResponse(std::move(*parsed), source);
  }
}

void SipStack::Impl::AnswerBadMessage(std::string_view text, std::string_view reason,
                                      const SipEndpoint& source) {
  auto request = SipMessage::ParseForErrorResponse(text);
  if (!request) {
    // The body may be what oSIP refused: try the head alone.
    auto head = ScanHead(text);
    if (head && *head) request = SipMessage::ParseForErrorResponse(HeadOnly(text, **head));
  }
  if (!request || request->Method() == "ACK") return;  // nothing we can answer: dropped
  request->StampTopVia(source.host, source.port);
  SendStateless(*request, source, 400, "Bad Request: " + std::string(reason));
}

SipEndpoint SipStack::Impl::ResponseDestination(const SipMessage& request,
                                                const SipEndpoint& source) {
  if (source.transport == Transport::kTcp) return source;  // the connection it came on
  // RFC 3261 18.2.2 with RFC 3581: the source address; the source port when rport was asked
  // for, else the sent-by port (default 5060).
  uint16_t port = request.TopViaHasRport() ? source.port : request.TopViaPort();
  return {Transport::kUdp, source.host, port != 0 ? port : uint16_t{5060}};
}

void SipStack::Impl::SendStateless(const SipMessage& request, const SipEndpoint& source, int status,
                                   std::string_view reason) {
  auto response = SipMessage::ResponseTo(request, status, OneLine(reason));
  if (!response) return;
  auto wire = response->Serialise();
  if (!wire) return;
  SipEndpoint to = ResponseDestination(request, source);
  spdlog::info("sip: tx {} {} to {}", status, OneLine(reason), to.ToString());
  transport.Send(to, std::move(*wire),
                 [](const Error& e) { spdlog::warn("sip: response not sent: {}", e.message()); });
}

void SipStack::Impl::OnRequest(SipMessage request, const SipEndpoint& source) {
  request.StampTopVia(source.host, source.port);
  std::string method = request.Method();
  if (spdlog::should_log(spdlog::level::debug)) {
    spdlog::debug("sip: rx {} {} from {}, {}", method, request.RequestUri(), source.ToString(),
                  Describe(request));
  }
  std::string branch = request.TopViaBranch();
  std::string key_base = branch + "|" + HostPort(request.TopViaHost(), request.TopViaPort()) + "|" +
                         TransportName(source.transport).data() + "|";
  if (method == "ACK") {
    // 17.2.3: an ACK matches the INVITE server transaction of a non-2xx; else the dialog's 2xx.
    OnAck(request, key_base + "INVITE");
    return;
  }
  if (!branch.starts_with(kBranchCookie)) {
    SendStateless(request, source, 400,
                  "Bad Request: Via branch lacks the z9hG4bK cookie (RFC 2543 is not supported)");
    return;
  }
  std::string key = key_base + method;
  if (auto it = servers.find(key); it != servers.end()) {
    spdlog::debug("sip: retransmission of {} absorbed", request.CallId());
    auto t = it->second;
    t->OnRequestRetransmission();
    return;
  }
  if (method == "INVITE") {
    OnInvite(std::move(request), source, key);
    return;
  }
  if (auto mf = request.Header("Max-Forwards"); mf && *mf == "0" && method != "OPTIONS") {
    SendStateless(request, source, 483, "Too Many Hops");
    return;
  }
  SipEndpoint to = ResponseDestination(request, source);
  std::weak_ptr<Impl> weak = weak_from_this();
  auto transaction = std::make_shared<ServerNonInviteTransaction>(
      io, timers, source.transport == Transport::kTcp,
      [weak, to](const std::string& wire) {
        if (auto self = weak.lock()) {
          self->transport.Send(to, wire, [to](const Error& e) {
            spdlog::warn("sip: response to {} not sent: {}", to.ToString(), e.message());
          });
        }
      },
      [weak, key] {
        if (auto self = weak.lock()) self->servers.erase(key);
      });
  servers[key] = transaction;
  std::weak_ptr<ServerNonInviteTransaction> weak_t = transaction;
  auto deliver = [weak, weak_t, to](SipMessage response) {
    auto self = weak.lock();
    auto t = weak_t.lock();
    if (!self || !t) return;
    std::string wire = self->ResponseWire(response, to);
    if (!wire.empty()) t->Respond(response.StatusCode(), std::move(wire));
  };
  auto deliver_wire = [weak, weak_t, to](int status, std::string wire) {
    auto self = weak.lock();
    auto t = weak_t.lock();
    if (!self || !t) return;
    if (spdlog::should_log(spdlog::level::debug)) {
      spdlog::debug("sip: tx {} to {}", OneLine(wire.substr(0, wire.find('\r'))), to.ToString());
    }
    t->Respond(status, std::move(wire));
  };
  auto incoming = std::make_shared<IncomingRequestImpl>(
      weak, std::move(deliver), std::move(request), source, std::move(deliver_wire));
  if (method == "CANCEL") {
    OnCancel(std::move(incoming), key_base + "INVITE");
  } else if (method == "BYE") {
    OnBye(std::move(incoming));
  } else if (handler) {
    handler(std::move(incoming));
  } else {
    incoming->Respond(501, "Not Implemented: no handler for " + method);
  }
}

void SipStack::Impl::OnResponse(SipMessage response, const SipEndpoint& source) {
  std::string key = response.TopViaBranch() + "|" + response.Method();
  if (response.Method() == "INVITE") {
    auto it = invite_clients.find(key);
    if (it != invite_clients.end()) {
      auto t = it->second;
      t->OnResponse(std::move(response));
    } else if (!AckRetransmitted2xx(response)) {
      spdlog::debug("sip: stray INVITE response {} from {} dropped", response.StatusCode(),
                    source.ToString());
    }
    return;
  }
  auto it = clients.find(key);
  if (it == clients.end()) {
    spdlog::debug("sip: stray response {} from {} dropped", response.StatusCode(),
                  source.ToString());
    return;
  }
  if (spdlog::should_log(spdlog::level::debug)) {
    spdlog::debug("sip: rx {} {} from {}, {}", response.StatusCode(), response.ReasonPhrase(),
                  source.ToString(), Describe(response));
  }
  auto t = it->second;
  t->OnResponse(std::move(response));
}

Result<std::string> SipStack::Impl::PrepareRequest(SipMessage& request, Transport t) {
  uint16_t port = t == Transport::kUdp ? transport.udp_port() : transport.tcp_port();
  std::string branch = std::string(kBranchCookie) + SipToken(8);
  std::string via = fmt::format("SIP/2.0/{} {};branch={};rport", TransportName(t),
                                HostPort(config.via_host, port), branch);
  KB_CHECK(request.PushVia(via));
  if (!request.Header("Max-Forwards")) (void)request.AddHeader("Max-Forwards", "70");
  if (!request.Header("User-Agent")) (void)request.AddHeader("User-Agent", config.user_agent);
  return branch;
}

void SipStack::Impl::StartClient(SipMessage request, SipEndpoint target,
                                 ResponseCallback callback) {
  if (stopped) return callback(Fail(Error::Io("SIP stack stopped")));
  uint16_t port = target.transport == Transport::kUdp ? transport.udp_port() : transport.tcp_port();
  if (port == 0 && target.transport == Transport::kUdp) {
    return callback(Fail(Error::Unsupported("SIP: UDP is disabled in this stack")));
  }
  if (request.RequestUri().empty()) {
    return callback(Fail(Error::InvalidArgument("SIP: request without a valid Request-URI")));
  }
  auto branch = PrepareRequest(request, target.transport);
  if (!branch) return callback(Fail(branch.error()));
  auto wire = request.Serialise();
  if (!wire) return callback(Fail(wire.error()));
  std::string key = *branch + "|" + request.Method();
  if (spdlog::should_log(spdlog::level::debug)) {
    spdlog::debug("sip: tx {} {} to {}, {}", request.Method(), request.RequestUri(),
                  target.ToString(), Describe(request));
  }
  StartClientWire(std::move(*wire), std::move(key), std::move(target), std::move(callback));
}

void SipStack::Impl::StartClientWire(std::string wire, std::string key, SipEndpoint target,
                                     ResponseCallback callback) {
  if (stopped) return callback(Fail(Error::Io("SIP stack stopped")));
  std::weak_ptr<Impl> weak = weak_from_this();
  // The sender reports transport errors to the transaction, which it names through a cell
  // filled once the transaction exists.
  auto cell = std::make_shared<std::weak_ptr<ClientNonInviteTransaction>>();
  WireSender sender = [weak, target, cell](const std::string& text) {
    auto self = weak.lock();
    if (!self) return;
    self->transport.Send(target, text, [cell](const Error& e) {
      if (auto t = cell->lock()) t->OnTransportError(e);
    });
  };
  auto transaction = std::make_shared<ClientNonInviteTransaction>(
      io, timers, target.transport == Transport::kTcp, std::move(wire), std::move(sender),
      std::move(callback), [weak, key] {
        if (auto self = weak.lock()) self->clients.erase(key);
      });
  *cell = transaction;
  clients[key] = transaction;
  transaction->Start();
}

void SipStack::Impl::Shutdown() {
  stopped = true;
  auto pending = std::move(clients);
  clients.clear();
  for (auto& [key, t] : pending) t->OnTransportError(Error::Io("SIP stack stopped"));
  auto pending_invites_client = std::move(invite_clients);
  invite_clients.clear();
  for (auto& [key, t] : pending_invites_client) t->OnTransportError(Error::Io("SIP stack stopped"));
  for (auto& [id, record] : dialogs) {
    if (record.ok_timer) record.ok_timer->cancel();
  }
  dialogs.clear();
  invite_servers.clear();
  pending_invites.clear();
  servers.clear();
  transport.Close();
  work.reset();
}

SipStack::SipStack(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

Result<std::unique_ptr<SipStack>> SipStack::Start(SipStackConfig config) {
  EnsureOsipInitialised();
  if (config.t1.count() <= 0 || config.t2 < config.t1) {
    return Fail(Error::InvalidArgument("SIP timers: need 0 < T1 <= T2"));
  }
  auto impl = std::make_shared<Impl>(std::move(config));
  KB_CHECK(impl->transport.Open());
  impl->thread = std::thread([raw = impl.get()] { raw->io.run(); });
  spdlog::info("sip: stack on {} (UDP {}, TCP {})", impl->config.bind_address,
               impl->transport.udp_port(), impl->transport.tcp_port());
  return std::unique_ptr<SipStack>(new SipStack(std::move(impl)));
}

SipStack::~SipStack() {
  asio::post(impl_->io, [impl = impl_] { impl->Shutdown(); });
  if (impl_->thread.joinable()) impl_->thread.join();
}

uint16_t SipStack::udp_port() const { return impl_->transport.udp_port(); }
uint16_t SipStack::tcp_port() const { return impl_->transport.tcp_port(); }
const SipStackConfig& SipStack::config() const { return impl_->config; }

SipEndpoint SipStack::LocalEndpoint(Transport t) const {
  return {t, impl_->config.via_host, t == Transport::kUdp ? udp_port() : tcp_port()};
}

void SipStack::SetInviteHandler(RequestHandler handler) {
  asio::post(impl_->io, [impl = impl_, h = std::move(handler)]() mutable {
    impl->invite_handler = std::move(h);
  });
}

void SipStack::SetDialogHandler(DialogHandler handler) {
  asio::post(impl_->io, [impl = impl_, h = std::move(handler)]() mutable {
    impl->dialog_handler = std::move(h);
  });
}

void SipStack::SendInvite(SipMessage invite, SipEndpoint target, ResponseCallback callback) {
  auto req = std::make_shared<SipMessage>(std::move(invite));
  asio::post(impl_->io,
             [impl = impl_, req, target = std::move(target), cb = std::move(callback)]() mutable {
               impl->StartInvite(std::move(*req), std::move(target), std::move(cb));
             });
}

void SipStack::SendBye(DialogId id, ResponseCallback callback) {
  asio::post(impl_->io, [impl = impl_, id = std::move(id), cb = std::move(callback)]() mutable {
    impl->Bye(std::move(id), std::move(cb));
  });
}

void SipStack::SetRequestHandler(RequestHandler handler) {
  asio::post(impl_->io,
             [impl = impl_, h = std::move(handler)]() mutable { impl->handler = std::move(h); });
}

Result<SipMessage> SipStack::NewRequest(std::string_view method, std::string_view request_uri,
                                        std::string_view to, std::string_view from) const {
  SipMessage m = SipMessage::Request(method, request_uri);
  if (m.RequestUri().empty()) {
    return Fail(
        Error::InvalidArgument("SIP Request-URI does not parse: " + std::string(request_uri)));
  }
  std::string from_uri =
      from.empty() ? "sip:" + impl_->config.user + "@" + impl_->config.domain : std::string(from);
  if (!m.AddHeader("From", "<" + from_uri + ">;tag=" + RandomToken(6))) {
    return Fail(Error::InvalidArgument("SIP From URI does not parse: " + from_uri));
  }
  if (!m.AddHeader("To", "<" + std::string(to) + ">")) {
    return Fail(Error::InvalidArgument("SIP To URI does not parse: " + std::string(to)));
  }
  KB_CHECK(m.AddHeader("Call-ID", SipToken(12) + "@" + impl_->config.domain));
  KB_CHECK(m.AddHeader("CSeq", "1 " + std::string(method)));
  KB_CHECK(m.AddHeader("Max-Forwards", "70"));
  return m;
}

namespace {

// Characters that would end or split a field of the assembled text.
bool Unsafe(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0 <>", 6)) != std::string_view::npos;
}

}  // namespace

void SipStack::SendPrepared(const PreparedRequest& r, SipEndpoint target,
                            ResponseCallback callback) {
  auto fail = [&](Error e) {
    asio::post(impl_->io, [cb = std::move(callback), e = std::move(e)] { cb(Fail(e)); });
  };
  if (r.method == "INVITE" || r.method == "ACK" || r.method == "BYE") {
    return fail(Error::Unsupported("SIP: send " + std::string(r.method) +
                                   " with SendInvite / SendBye (the dialog layer sends ACK)"));
  }
  const SipStackConfig& c = impl_->config;
  if (r.method.empty() || Unsafe(r.method) || r.request_uri.empty() || Unsafe(r.request_uri) ||
      r.to.empty() || Unsafe(r.to) || Unsafe(r.from) ||
      r.content_type.find_first_of("\r\n") != std::string_view::npos) {
    return fail(
        Error::InvalidArgument("SIP: prepared request: a field is empty or has CR, LF, "
                               "NUL, space, '<' or '>'"));
  }
  uint16_t port = target.transport == Transport::kUdp ? impl_->transport.udp_port()
                                                      : impl_->transport.tcp_port();
  if (port == 0 && target.transport == Transport::kUdp) {
    return fail(Error::Unsupported("SIP: UDP is disabled in this stack"));
  }
  std::string branch = std::string(kBranchCookie) + SipToken(8);
  std::string wire;
  wire.reserve(320 + r.request_uri.size() + r.to.size() + r.from.size() + r.content_type.size() +
               r.body.size());
  auto add = [&](std::string_view a) { wire.append(a); };
  add(r.method);
  add(" ");
  add(r.request_uri);
  add(" SIP/2.0\r\nVia: SIP/2.0/");
  add(TransportName(target.transport));
  add(" ");
  add(HostPort(c.via_host, port));
  add(";branch=");
  add(branch);
  add(";rport\r\nFrom: <");
  if (r.from.empty()) {
    add("sip:" + c.user + "@" + c.domain);
  } else {
    add(r.from);
  }
  add(">;tag=");
  add(SipToken(6));
  add("\r\nTo: <");
  add(r.to);
  add(">\r\nCall-ID: ");
  add(SipToken(12));
  add("@");
  add(c.domain);
  add("\r\nCSeq: 1 ");
  add(r.method);
  add("\r\nMax-Forwards: 70\r\nUser-Agent: ");
  add(c.user_agent);
  if (!r.content_type.empty()) {
    add("\r\nContent-Type: ");
    add(r.content_type);
  }
  add("\r\nContent-Length: ");
  add(std::to_string(r.body.size()));
  add("\r\n\r\n");
  add(r.body);
  std::string key = branch + "|" + std::string(r.method);
  asio::post(impl_->io, [impl = impl_, wire = std::move(wire), key = std::move(key),
                         target = std::move(target), cb = std::move(callback)]() mutable {
    if (spdlog::should_log(spdlog::level::debug)) {
      spdlog::debug("sip: tx {} to {}", OneLine(wire.substr(0, wire.find('\r'))),
                    target.ToString());
    }
    impl->StartClientWire(std::move(wire), std::move(key), std::move(target), std::move(cb));
  });
}

void SipStack::SendRequest(SipMessage request, SipEndpoint target, ResponseCallback callback) {
  std::string method = request.Method();
  auto req = std::make_shared<SipMessage>(std::move(request));
  if (method == "INVITE" || method == "ACK" || method == "BYE") {
    asio::post(impl_->io, [cb = std::move(callback), method] {
      cb(Fail(Error::Unsupported("SIP: send " + method +
                                 " with SendInvite / SendBye (the dialog layer sends ACK)")));
    });
    return;
  }
  asio::post(impl_->io,
             [impl = impl_, req, target = std::move(target), cb = std::move(callback)]() mutable {
               impl->StartClient(std::move(*req), std::move(target), std::move(cb));
             });
}

}  // namespace kb::net
