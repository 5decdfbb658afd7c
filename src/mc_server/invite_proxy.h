// RFC 3261 clauses 12-16 (call setup through the MC service server, TS 24.379 style: the server
// terminates the caller's INVITE and originates its own toward the callee, a back-to-back user
// agent): routing of group call INVITEs to the IWF of an interworked MC group, of private call
// INVITEs to the callee's registered contacts, caller authentication, the refusals, and the
// pairing of the two dialogs so that ACK and BYE pass through the server (docs/mc-server.md
// "Calls through the server").
#pragma once

#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mc_server/router.h"
#include "net/sip_stack.h"

namespace kb::mc_server {

// nodes.mc-server.interworked_groups: an MC group whose calls the IWF `iwf` (an LMR security
// entity of kind iwf) serves.
struct InterworkedGroup {
  std::string group;  // e.g. "sip:fire@example.org"
  std::string iwf;    // e.g. "sip:iwf@example.org"
};

// Where an INVITE goes.
struct InviteRoute {
  std::string caller;   // canonical AOR of the From
  std::string target;   // canonical AOR of the Request-URI (the group or the called user)
  std::string deliver;  // the AOR whose registered contacts get the INVITE (the IWF or the user)
  bool group_call = false;
};

// Pure routing and authorisation of an INVITE (unit-tested without a stack). In order:
// 1. the caller (From) must be registered on the flow the INVITE came from, exactly as for a
//    MESSAGE (docs/mc-server.md rule 1): else 403 "Forbidden: ..." (invite_refused_spoofed);
// 2. Request-URI = an interworked group: to its IWF, 480 when the IWF is not registered;
// 3. Request-URI = a configured MC service user: to that user, 480 when not registered;
// 4. anything else: 404 "Not Found: ...".
class InviteRouter {
 public:
  InviteRouter(std::vector<InterworkedGroup> groups,
               std::function<bool(std::string_view aor)> known_user);
  // has_contacts: whether an AOR has a live registered contact.
  std::expected<InviteRoute, Refusal> Route(
      std::string_view from_uri, std::string_view request_uri, bool caller_registered,
      const std::function<bool(const std::string& aor)>& has_contacts) const;
  const std::vector<InterworkedGroup>& groups() const { return groups_; }

 private:
  std::vector<InterworkedGroup> groups_;  // canonical
  std::function<bool(std::string_view)> known_user_;
};

// A registered contact: its Contact URI and where to send.
struct CallContact {
  std::string uri;
  net::SipEndpoint endpoint;
};

// The back-to-back user agent on the server's SIP stack. Install() sets the stack's INVITE and
// dialog handlers (the stack's MESSAGE path is untouched). Per INVITE: route (above), then a
// new INVITE (same From, To, Request-URI for a group call or the contact's URI for a private
// call, same body) to the target's contacts one after the other in registration order: the
// next contact is tried after a transport error, a timeout, 408, 480 or 5xx; another final
// answer is relayed to the caller with its status and reason. A 2xx is relayed with its body
// and the two dialogs are paired: a BYE on either side is answered by the stack and sent on the
// other; the caller's missing ACK ends the callee's dialog with BYE. CANCEL is answered by
// the stack on the caller's side only (not relayed). Every callback runs on the stack thread.
class InviteProxy : public std::enable_shared_from_this<InviteProxy> {
 public:
  struct Hooks {
    // Whether `aor` has a live binding registered from `source` (the MESSAGE sender check).
    std::function<bool(const std::string& aor, const net::SipEndpoint& source)> registered_from;
    // The live contacts of `aor`, the most recently registered first.
    std::function<std::vector<CallContact>(const std::string& aor)> contacts;
    std::function<void(const std::string& counter)> count;
  };
  InviteProxy(InviteRouter router, Hooks hooks, net::SipStack& stack);
  void Install();
  void Uninstall();
  size_t active_calls() const;

 private:
  struct Attempt;
  void OnInvite(const std::shared_ptr<net::IncomingRequest>& in);
  void Try(const std::shared_ptr<Attempt>& a);
  void OnAnswer(const std::shared_ptr<Attempt>& a, Result<net::SipMessage> r);
  void OnDialog(const net::DialogEvent& e);

  InviteRouter router_;
  Hooks hooks_;
  net::SipStack& stack_;
  mutable std::mutex mu_;
  std::map<net::DialogId, net::DialogId> peer_;  // each dialog -> the other leg
};

}  // namespace kb::mc_server
