// RFC 3261 clause 10.2 registration, client side, answering the RFC 7616 Digest challenge
// (22.4): an MC service client registers its MC service ID (the AOR) with a contact.
#pragma once

#include <cstdint>
#include <string>

#include "core/secret.h"
#include "net/sip_stack.h"

namespace kb::net {

struct RegistrationRequest {
  std::string aor;       // "sip:alice@example.org": From and To
  std::string contact;   // "sip:alice@127.0.0.1:5070": Contact
  std::string username;  // digest username; empty = the AOR without "sip:"
  SecretBytes password;
  uint32_t expires = 3600;    // 0 = remove this contact
  SipEndpoint registrar;      // where the REGISTER goes
  std::string registrar_uri;  // Request-URI; empty = "sip:" + the AOR's host
};

// Sends REGISTER; on a 401 with a Digest challenge (SHA-256 preferred over MD5) sends it again
// with Authorization, CSeq + 1 and the same Call-ID (once more when the nonce was stale).
// `callback` gets the final response (200 with the bindings, 403, 423 ...) or a transport
// error; it runs on the stack thread. The password is wiped when the exchange ends.
void Register(SipStack& stack, RegistrationRequest request, ResponseCallback callback);

}  // namespace kb::net
