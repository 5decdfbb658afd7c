// RFC 6665 (SIP-specific event notification) with the RFC 5875 xcap-diff event package, as
// TS 24.484 6 uses it for configuration documents: the CMS's own SIP UA accepts SUBSCRIBEs to
// a user's profile documents, keeps one dialog per subscription (expiry, refresh, unsubscribe),
// sends the initial NOTIFY and one NOTIFY per committed change. docs/cms.md "Subscriptions".
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cms_service/cms_service.h"
#include "net/sip_stack.h"

namespace kb::cms_service {

inline constexpr std::string_view kXcapDiffEvent = "xcap-diff";
inline constexpr std::string_view kResourceListsMime = "application/resource-lists+xml";
// The header carrying the subscriber's IdMS access token (RFC 8898 would use "Authorization:
// Bearer"; libosip2 drops Authorization values that are not digest credentials, see docs/cms.md).
inline constexpr std::string_view kAccessTokenHeader = "Keybridge-Access-Token";

class SubscriptionStore;

struct NotifierOptions {
  std::string identity = "sip:cms@example.org";  // From of our NOTIFYs
  std::string contact;                           // our Contact (sip:cms@host:port); required
  std::string xcap_root_uri = "https://127.0.0.1:8445/xcap-root";  // in the xcap-diff bodies
  uint32_t default_expires = 3600;
  uint32_t min_expires = 60;     // shorter (but non-zero) Expires: 423 with Min-Expires
  uint32_t max_expires = 86400;  // longer ones are shortened
};

struct NotifierCounters {
  std::atomic<uint64_t> subscribes{0}, refused{0}, notifies_sent{0}, notifies_failed{0};
  std::atomic<uint64_t> store_failures{0};
};

// One subscription dialog (RFC 6665 4.1/4.2, RFC 3261 12): the CMS is the notifier (UAS of the
// SUBSCRIBE); the dialog is identified by Call-ID, our tag (To tag of our 200) and the
// subscriber's tag. No route set (no Record-Route: subscribers talk to us directly).
struct Subscription {
  std::string call_id, local_tag, remote_tag;
  std::string subscriber;   // the authenticated identity (token sub)
  std::string remote_uri;   // From URI of the SUBSCRIBE
  net::SipEndpoint target;  // where NOTIFYs go (the Contact, or the source)
  std::string target_uri;   // Request-URI of our NOTIFYs (the Contact URI)
  uint32_t local_cseq = 0, remote_cseq = 0;
  int64_t expires_at = 0;                    // Unix seconds
  std::string watch_xui;                     // every document of this XUI (no SUBSCRIBE body)
  std::vector<std::string> documents;        // or these document selectors (resource list)
  std::map<std::string, std::string> etags;  // last ETag notified per document ("" = none)
};

class XcapDiffNotifier {
 public:
  // service must outlive the notifier; the stack must be destroyed BEFORE the notifier (its
  // pending NOTIFY callbacks refer to it); clock gives Unix seconds.
  XcapDiffNotifier(net::SipStack& stack, const CmsService& service, NotifierOptions options,
                   std::function<int64_t()> clock);

  // Keeps the subscriptions in `store` (it must outlive the notifier; call before the stack
  // takes requests): the unexpired ones are loaded now; from then on every new, refreshed or
  // notified subscription is written (its NOTIFY CSeq too) and every ended one removed. Without
  // a store subscriptions live in memory only.
  Status UseStore(SubscriptionStore* store);
  // Stops writing to the store. Call it before destroying the stack at shutdown: NOTIFYs that
  // fail because the stack goes away must not delete durable subscriptions.
  void DetachStore();

  // The stack's request handler: SUBSCRIBE (new, refresh, Expires: 0); anything else 405.
  void OnRequest(std::shared_ptr<net::IncomingRequest> request);
  // The CMS service's change listener: a NOTIFY to every subscription watching the document.
  void OnChange(const DocumentChange& change);
  // Ends the subscriptions whose time is up (NOTIFY "terminated;reason=timeout"). Call it
  // every second or so.
  void ExpireDue();
  // Ends every subscription (NOTIFY "terminated;reason=noresource"), e.g. at shutdown.
  void TerminateAll();

  size_t active() const;
  const NotifierCounters& counters() const { return counters_; }

 private:
  using Key = std::string;  // call-id + local tag
  void HandleSubscribe(const std::shared_ptr<net::IncomingRequest>& request);
  // Builds and queues a NOTIFY in s's dialog (holding mu_); its outcome comes back on the
  // stack thread (a 481 or a transport failure ends the subscription).
  void SendNotify(Subscription& s, const std::string& body, std::string_view state);
  // The xcap-diff of every watched document as it is now (initial and refresh NOTIFYs).
  std::string FullState(const Subscription& s) const;
  bool Watches(const Subscription& s, const DocumentChange& change) const;
  // Writes s to the store (holding mu_), or removes it when `ended`; a failure is logged.
  void Persist(const Subscription& s, bool ended);

  net::SipStack& stack_;
  const CmsService& service_;
  NotifierOptions options_;
  std::function<int64_t()> clock_;
  mutable std::mutex mu_;
  std::map<Key, Subscription> subs_;
  SubscriptionStore* store_ = nullptr;
  NotifierCounters counters_;
};

// RFC 4826 resource-lists: the entry URIs of a SUBSCRIBE body (<list><entry uri=..>).
Result<std::vector<std::string>> ParseResourceListUris(std::string_view xml);
// The target of a Contact value ("<sip:u@127.0.0.1:5062;transport=tcp>"): an IP literal and a
// port (5060 by default) and the transport parameter; kUnsupported for a host name.
Result<net::SipEndpoint> EndpointOfContact(std::string_view contact, std::string* uri_out);

}  // namespace kb::cms_service
