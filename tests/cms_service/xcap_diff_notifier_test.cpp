// RFC 6665 + RFC 5875 end to end on 127.0.0.1: a test SIP UA subscribes to alice's profile on
// the CMS's SIP UA, receives the initial NOTIFY, a NOTIFY with the xcap-diff of each change,
// refreshes, unsubscribes, and the refusals (another user's profile, no token, bad event).
#include "cms_service/xcap_diff_notifier.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>

#include "cms/xcap_diff.h"
#include "cms_service/subscription_store.h"
#include "cms_test_fixture.h"

namespace kb::cms_service {
namespace {

using namespace std::chrono_literals;
using namespace testing;

net::SipStackConfig FastTimers(std::string user) {
  net::SipStackConfig c;
  c.t1 = 10ms;
  c.t2 = 40ms;
  c.t4 = 20ms;
  c.enable_tcp = false;
  c.domain = "example.org";
  c.user = std::move(user);
  return c;
}

// The subscriber: a SIP stack that records NOTIFYs and answers them 200 (or 481 when told).
struct TestUa {
  std::unique_ptr<net::SipStack> stack;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<net::SipMessage> notifies;
  std::atomic<int> answer{200};

  TestUa() {
    auto s = net::SipStack::Start(FastTimers("alice"));
    EXPECT_TRUE(s);
    stack = std::move(*s);
    stack->SetRequestHandler([this](std::shared_ptr<net::IncomingRequest> r) {
      r->Respond(answer.load(), answer.load() == 200 ? "OK" : "Call/Transaction Does Not Exist");
      std::lock_guard l(mu);
      notifies.push_back(r->request().Clone());
      cv.notify_all();
    });
  }
  std::optional<net::SipMessage> NextNotify(std::chrono::milliseconds wait = 3s) {
    std::unique_lock l(mu);
    if (!cv.wait_for(l, wait, [&] { return !notifies.empty(); })) return std::nullopt;
    auto m = std::move(notifies.front());
    notifies.pop_front();
    return m;
  }
  std::string Contact() const {
    return "<sip:alice@127.0.0.1:" + std::to_string(stack->udp_port()) + ">";
  }
  Result<net::SipMessage> Send(net::SipMessage m, const net::SipEndpoint& to) {
    auto p = std::make_shared<std::promise<Result<net::SipMessage>>>();
    auto f = p->get_future();
    stack->SendRequest(std::move(m), to,
                       [p](Result<net::SipMessage> r) { p->set_value(std::move(r)); });
    if (f.wait_for(5s) != std::future_status::ready) return Fail(Error::Internal("timeout"));
    return f.get();
  }
};

std::string BodyOf(const net::SipMessage& m) {
  Bytes b = m.Body();
  return std::string(b.begin(), b.end());
}

struct NotifierFixture : ::testing::Test {
  CmsEngine cms;
  std::atomic<int64_t> now{UnixNow()};
  std::unique_ptr<net::SipStack> cms_stack;
  std::unique_ptr<XcapDiffNotifier> notifier;
  net::SipEndpoint cms_at;
  TestUa ua;
  std::string alice_etag;

  // (Re)starts the CMS's SIP UA and notifier, on a new port, with an optional store.
  void StartNotifier(SubscriptionStore* store = nullptr) {
    if (notifier) {
      cms.service->SetChangeListener(nullptr);
      notifier->DetachStore();
      cms_stack.reset();
      notifier.reset();
    }
    auto s = net::SipStack::Start(FastTimers("cms"));
    ASSERT_TRUE(s);
    cms_stack = std::move(*s);
    NotifierOptions o;
    o.contact = "sip:cms@127.0.0.1:" + std::to_string(cms_stack->udp_port());
    o.xcap_root_uri = "https://127.0.0.1:8445/xcap-root";
    o.min_expires = 10;
    notifier = std::make_unique<XcapDiffNotifier>(*cms_stack, *cms.service, o,
                                                  [this] { return now.load(); });
    ASSERT_TRUE(notifier->UseStore(store));
    cms.service->SetChangeListener([this](const DocumentChange& c) { notifier->OnChange(c); });
    cms_stack->SetRequestHandler(
        [this](std::shared_ptr<net::IncomingRequest> r) { notifier->OnRequest(r); });
    cms_at = cms_stack->LocalEndpoint(net::Transport::kUdp);
  }

  void SetUp() override {
    StartNotifier();
    auto r = Xcap("PUT", AliceDoc(), kAdmin, AliceProfileXml());
    ASSERT_EQ(r.status, 201u);
    alice_etag = r.Header("etag");
  }
  void TearDown() override {
    cms.service->SetChangeListener(nullptr);
    cms_stack.reset();  // before the notifier (contract)
    notifier.reset();
  }
  net::HttpResponse Xcap(const std::string& method, const std::string& target,
                         const std::string& who, std::string body = {},
                         std::map<std::string, std::string> h = {}) {
    net::HttpRequest req;
    req.method = method;
    size_t q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) req.query = target.substr(q + 1);
    req.headers = std::move(h);
    req.headers["authorization"] = "Bearer " + cms.Token(who);
    req.body = std::move(body);
    return cms.service->Handle(req, UnixNow());
  }
  net::SipMessage Subscribe(const std::string& token, std::optional<uint32_t> expires = 600,
                            std::string event = "xcap-diff", std::string body = {}) {
    auto m =
        ua.stack->NewRequest("SUBSCRIBE", "sip:cms@example.org", "sip:cms@example.org", kAlice);
    EXPECT_TRUE(m);
    EXPECT_TRUE(m->AddHeader("Event", event));
    EXPECT_TRUE(m->AddHeader("Contact", ua.Contact()));
    if (expires) {
      EXPECT_TRUE(m->AddHeader("Expires", std::to_string(*expires)));
    }
    if (!token.empty()) {
      EXPECT_TRUE(m->AddHeader(kAccessTokenHeader, "Bearer " + token));
    }
    if (!body.empty()) {
      EXPECT_TRUE(m->SetBody(kResourceListsMime, ToBytes(body)));
    }
    return std::move(*m);
  }
};

TEST_F(NotifierFixture, SubscribeNotifyRefreshUnsubscribe) {
  auto sub = Subscribe(cms.Token(kAlice));
  std::string call_id = sub.CallId(), from_tag = sub.FromTag();
  auto ok = ua.Send(std::move(sub), cms_at);
  ASSERT_TRUE(ok) << ok.error().ToString();
  ASSERT_EQ(ok->StatusCode(), 200);
  EXPECT_EQ(ok->Expires(), 600u);
  std::string to_tag = ok->ToTag();
  ASSERT_FALSE(to_tag.empty());
  EXPECT_EQ(notifier->active(), 1u);

  // Initial NOTIFY: full state, the document with its ETag.
  auto n1 = ua.NextNotify();
  ASSERT_TRUE(n1);
  EXPECT_EQ(n1->CallId(), call_id);
  EXPECT_EQ(n1->FromTag(), to_tag);
  EXPECT_EQ(n1->ToTag(), from_tag);
  EXPECT_EQ(n1->Header("Event").value_or(""), "xcap-diff");
  EXPECT_EQ(n1->Header("Subscription-State").value_or(""), "active;expires=600");
  EXPECT_EQ(n1->ContentType(), cms::kXcapDiffMime);
  auto d1 = cms::ParseXcapDiff(BodyOf(*n1));
  ASSERT_TRUE(d1) << BodyOf(*n1);
  ASSERT_EQ(d1->documents.size(), 1u);
  EXPECT_EQ(d1->documents[0].new_etag, alice_etag);
  EXPECT_FALSE(d1->documents[0].previous_etag.has_value());

  // The IWF writes the root key: a NOTIFY with the old and new ETags and the element.
  auto put =
      Xcap("PUT", AliceDoc() + RootKeyP25(), kIwf, RootKeyElementXml(), {{"if-match", alice_etag}});
  ASSERT_EQ(put.status, 201u) << put.body;
  auto n2 = ua.NextNotify();
  ASSERT_TRUE(n2);
  EXPECT_GT(n2->CSeqNumber(), n1->CSeqNumber());
  auto d2 = cms::ParseXcapDiff(BodyOf(*n2));
  ASSERT_TRUE(d2);
  ASSERT_EQ(d2->documents.size(), 1u);
  EXPECT_EQ(d2->documents[0].previous_etag, alice_etag);
  EXPECT_EQ(d2->documents[0].new_etag, put.Header("etag"));
  ASSERT_EQ(d2->elements.size(), 1u);
  EXPECT_NE(d2->elements[0].sel.find("lmr-root-key"), std::string::npos);

  // Bob's profile changing does not notify alice.
  auto bob = cms::testing::SampleProfile(false);
  bob.mc_id = kBob;
  ASSERT_EQ(Xcap("PUT",
                 "/xcap-root/org.3gpp.mcptt.user-profile/users/sip:bob@example.org/"
                 "user-profile-1.xml",
                 kAdmin, *cms::SerializeUserProfile(bob))
                .status,
            201u);
  EXPECT_FALSE(ua.NextNotify(200ms));

  // Refresh inside the dialog: 200 and a NOTIFY with the new expiry.
  auto refresh = net::SipMessage::Request("SUBSCRIBE", "sip:cms@127.0.0.1");
  ASSERT_TRUE(refresh.AddHeader("From", std::string("<") + kAlice + ">;tag=" + from_tag));
  ASSERT_TRUE(refresh.AddHeader("To", "<sip:cms@example.org>;tag=" + to_tag));
  ASSERT_TRUE(refresh.AddHeader("Call-ID", call_id));
  ASSERT_TRUE(refresh.AddHeader("CSeq", "2 SUBSCRIBE"));
  ASSERT_TRUE(refresh.AddHeader("Event", "xcap-diff"));
  ASSERT_TRUE(refresh.AddHeader("Expires", "300"));
  ASSERT_TRUE(refresh.AddHeader("Contact", ua.Contact()));
  ASSERT_TRUE(refresh.AddHeader(kAccessTokenHeader, cms.Token(kAlice)));
  auto unsub = refresh.Clone();
  auto rr = ua.Send(std::move(refresh), cms_at);
  ASSERT_TRUE(rr);
  EXPECT_EQ(rr->StatusCode(), 200);
  auto n3 = ua.NextNotify();
  ASSERT_TRUE(n3);
  EXPECT_EQ(n3->Header("Subscription-State").value_or(""), "active;expires=300");

  // A replayed (same CSeq) refresh is refused; then Expires: 0 ends it with a final NOTIFY.
  auto again = ua.Send(unsub.Clone(), cms_at);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->StatusCode(), 500);
  unsub.RemoveHeader("Expires");
  ASSERT_TRUE(unsub.AddHeader("Expires", "0"));
  unsub.RemoveHeader("CSeq");
  auto end = net::SipMessage::Request("SUBSCRIBE", "sip:cms@127.0.0.1");
  ASSERT_TRUE(end.AddHeader("From", std::string("<") + kAlice + ">;tag=" + from_tag));
  ASSERT_TRUE(end.AddHeader("To", "<sip:cms@example.org>;tag=" + to_tag));
  ASSERT_TRUE(end.AddHeader("Call-ID", call_id));
  ASSERT_TRUE(end.AddHeader("CSeq", "3 SUBSCRIBE"));
  ASSERT_TRUE(end.AddHeader("Event", "xcap-diff"));
  ASSERT_TRUE(end.AddHeader("Expires", "0"));
  ASSERT_TRUE(end.AddHeader("Contact", ua.Contact()));
  ASSERT_TRUE(end.AddHeader(kAccessTokenHeader, cms.Token(kAlice)));
  auto er = ua.Send(std::move(end), cms_at);
  ASSERT_TRUE(er);
  EXPECT_EQ(er->StatusCode(), 200);
  auto n4 = ua.NextNotify();
  ASSERT_TRUE(n4);
  EXPECT_EQ(n4->Header("Subscription-State").value_or(""), "terminated;reason=timeout");
  EXPECT_EQ(notifier->active(), 0u);
  // No more NOTIFYs after that.
  Xcap("DELETE", AliceDoc() + RootKeyP25(), kIwf);
  EXPECT_FALSE(ua.NextNotify(200ms));
}

TEST_F(NotifierFixture, ExpiryAndA481EndTheSubscription) {
  auto ok = ua.Send(Subscribe(cms.Token(kAlice), 20), cms_at);
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->StatusCode(), 200);
  ASSERT_TRUE(ua.NextNotify());
  notifier->ExpireDue();  // not yet
  EXPECT_EQ(notifier->active(), 1u);
  now += 21;
  notifier->ExpireDue();
  auto n = ua.NextNotify();
  ASSERT_TRUE(n);
  EXPECT_EQ(n->Header("Subscription-State").value_or(""), "terminated;reason=timeout");
  EXPECT_EQ(notifier->active(), 0u);

  // A subscriber that answers 481 to a NOTIFY loses its subscription.
  ASSERT_EQ(ua.Send(Subscribe(cms.Token(kAlice)), cms_at)->StatusCode(), 200);
  ASSERT_TRUE(ua.NextNotify());
  ua.answer = 481;
  ASSERT_EQ(Xcap("PUT", AliceDoc() + RootKeyP25(), kIwf, RootKeyElementXml()).status, 201u);
  ASSERT_TRUE(ua.NextNotify());
  for (int i = 0; i < 100 && notifier->active() != 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(notifier->active(), 0u);
}

// docs/cms.md "Subscriptions across a restart": a new notifier on the same store continues the
// dialog (same Call-ID and tags, a higher CSeq) and notifies the next change; refreshes in the
// dialog are accepted; an ended subscription is not restored.
TEST_F(NotifierFixture, SubscriptionSurvivesARestart) {
  MemorySubscriptionStore store;
  StartNotifier(&store);
  auto sub = Subscribe(cms.Token(kAlice));
  std::string call_id = sub.CallId(), from_tag = sub.FromTag();
  auto ok = ua.Send(std::move(sub), cms_at);
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->StatusCode(), 200);
  std::string to_tag = ok->ToTag();
  auto n1 = ua.NextNotify();
  ASSERT_TRUE(n1);
  ASSERT_EQ(store.LoadSubscriptions(now.load())->size(), 1u);

  StartNotifier(&store);  // the CMS restarts (new process, new port)
  EXPECT_EQ(notifier->active(), 1u);
  now += 100;
  auto put =
      Xcap("PUT", AliceDoc() + RootKeyP25(), kIwf, RootKeyElementXml(), {{"if-match", alice_etag}});
  ASSERT_EQ(put.status, 201u) << put.body;
  auto n2 = ua.NextNotify();
  ASSERT_TRUE(n2);
  EXPECT_EQ(n2->CallId(), call_id);
  EXPECT_EQ(n2->FromTag(), to_tag);
  EXPECT_EQ(n2->ToTag(), from_tag);
  EXPECT_GT(n2->CSeqNumber(), n1->CSeqNumber());
  EXPECT_EQ(n2->Header("Subscription-State").value_or(""), "active;expires=500");
  auto d2 = cms::ParseXcapDiff(BodyOf(*n2));
  ASSERT_TRUE(d2);
  ASSERT_EQ(d2->documents.size(), 1u);
  EXPECT_EQ(d2->documents[0].new_etag, put.Header("etag"));

  // Unsubscribing at the new notifier removes it from the store.
  auto end = net::SipMessage::Request("SUBSCRIBE", "sip:cms@127.0.0.1");
  ASSERT_TRUE(end.AddHeader("From", std::string("<") + kAlice + ">;tag=" + from_tag));
  ASSERT_TRUE(end.AddHeader("To", "<sip:cms@example.org>;tag=" + to_tag));
  ASSERT_TRUE(end.AddHeader("Call-ID", call_id));
  ASSERT_TRUE(end.AddHeader("CSeq", "2 SUBSCRIBE"));
  ASSERT_TRUE(end.AddHeader("Event", "xcap-diff"));
  ASSERT_TRUE(end.AddHeader("Expires", "0"));
  ASSERT_TRUE(end.AddHeader("Contact", ua.Contact()));
  ASSERT_TRUE(end.AddHeader(kAccessTokenHeader, cms.Token(kAlice)));
  auto er = ua.Send(std::move(end), cms_at);
  ASSERT_TRUE(er);
  EXPECT_EQ(er->StatusCode(), 200);
  auto n3 = ua.NextNotify();
  ASSERT_TRUE(n3);
  EXPECT_EQ(n3->Header("Subscription-State").value_or(""), "terminated;reason=timeout");
  EXPECT_TRUE(store.LoadSubscriptions(now.load())->empty());
  StartNotifier(&store);
  EXPECT_EQ(notifier->active(), 0u);
}

TEST_F(NotifierFixture, RefusedSubscriptions) {
  // Another user's profile, through a resource list.
  std::string list =
      "<?xml version=\"1.0\"?><resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\">"
      "<list><entry uri=\"https://127.0.0.1:8445/xcap-root/org.3gpp.mcptt.user-profile/users/"
      "sip:alice@example.org/user-profile-1.xml\"/></list></resource-lists>";
  auto r = ua.Send(Subscribe(cms.Token(kBob), 600, "xcap-diff", list), cms_at);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->StatusCode(), 403);
  // The same list for alice herself is fine.
  auto mine = ua.Send(Subscribe(cms.Token(kAlice), 600, "xcap-diff", list), cms_at);
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->StatusCode(), 200);
  auto n = ua.NextNotify();
  ASSERT_TRUE(n);
  auto d = cms::ParseXcapDiff(BodyOf(*n));
  ASSERT_TRUE(d);
  ASSERT_EQ(d->documents.size(), 1u);
  EXPECT_EQ(d->documents[0].new_etag, alice_etag);
  // No token, an expired token, another event package, too short an interval.
  EXPECT_EQ(ua.Send(Subscribe(""), cms_at)->StatusCode(), 403);
  EXPECT_EQ(ua.Send(Subscribe(cms.Token(kAlice, -1)), cms_at)->StatusCode(), 403);
  auto bad_event = ua.Send(Subscribe(cms.Token(kAlice), 600, "presence"), cms_at);
  EXPECT_EQ(bad_event->StatusCode(), 489);
  auto brief = ua.Send(Subscribe(cms.Token(kAlice), 5), cms_at);
  EXPECT_EQ(brief->StatusCode(), 423);
  EXPECT_EQ(brief->Header("Min-Expires").value_or(""), "10");
  // A refresh in a dialog that does not exist.
  auto stray = net::SipMessage::Request("SUBSCRIBE", "sip:cms@127.0.0.1");
  ASSERT_TRUE(stray.AddHeader("From", std::string("<") + kAlice + ">;tag=x1"));
  ASSERT_TRUE(stray.AddHeader("To", "<sip:cms@example.org>;tag=nope"));
  ASSERT_TRUE(stray.AddHeader("Call-ID", "stray@example.org"));
  ASSERT_TRUE(stray.AddHeader("CSeq", "2 SUBSCRIBE"));
  ASSERT_TRUE(stray.AddHeader("Event", "xcap-diff"));
  ASSERT_TRUE(stray.AddHeader(kAccessTokenHeader, cms.Token(kAlice)));
  EXPECT_EQ(ua.Send(std::move(stray), cms_at)->StatusCode(), 481);
  EXPECT_EQ(notifier->active(), 1u);
  // A bad resource list.
  EXPECT_EQ(ua.Send(Subscribe(cms.Token(kAlice), 600, "xcap-diff", "<x/>"), cms_at)->StatusCode(),
            400);
}

TEST(ContactEndpoint, ParsesAddressPortTransport) {
  std::string uri;
  auto e = EndpointOfContact("\"A\" <sip:alice@127.0.0.1:5062;transport=tcp>;expires=3", &uri);
  ASSERT_TRUE(e);
  EXPECT_EQ(uri, "sip:alice@127.0.0.1:5062;transport=tcp");
  EXPECT_EQ(e->host, "127.0.0.1");
  EXPECT_EQ(e->port, 5062);
  EXPECT_EQ(e->transport, net::Transport::kTcp);
  auto v6 = EndpointOfContact("<sip:[::1]>", nullptr);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 5060);
  EXPECT_FALSE(EndpointOfContact("<sip:alice@host.example.org>", nullptr));
  EXPECT_FALSE(EndpointOfContact("<tel:+123>", nullptr));
  EXPECT_FALSE(EndpointOfContact("<sip:a@127.0.0.1:99999>", nullptr));
}

TEST(ResourceLists, EntriesAndRefusals) {
  auto u = ParseResourceListUris(
      "<resource-lists xmlns=\"urn:ietf:params:xml:ns:resource-lists\"><list>"
      "<entry uri=\"a\"/><entry uri=\"b\"/></list></resource-lists>");
  ASSERT_TRUE(u);
  EXPECT_EQ(*u, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(ParseResourceListUris("<resource-lists><list/></resource-lists>"));
  EXPECT_FALSE(ParseResourceListUris("<other/>"));
  EXPECT_FALSE(ParseResourceListUris("<resource-lists><list><entry/></list></resource-lists>"));
}

}  // namespace
}  // namespace kb::cms_service
