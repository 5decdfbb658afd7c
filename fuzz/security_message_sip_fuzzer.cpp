// libFuzzer target: the TS 23.283 10.12 SIP MESSAGE body parser of both carriers
// (mc_endpoint/security_message_sip.h). The first octet picks the input form: 0 = a whole SIP
// message (oSIP parse, multipart split, body parse), otherwise the body parts in the MC
// server's stored form (message_store.h). Whatever parses must build and parse again equal.
#include <cstdint>
#include <cstdlib>

#include "mc_endpoint/security_message_sip.h"
#include "mc_server/message_store.h"
#include "net/sip_message.h"

namespace {

void Check(std::span<const kb::net::BodyPart> parts) {
  auto body = kb::mc_endpoint::ParseMessageBody(parts);
  if (!body) return;
  (void)kb::mc_endpoint::MessageKindName(*body);
  (void)kb::mc_endpoint::PayloadLength(*body);
  if (auto* sec = std::get_if<kb::mc_endpoint::SecurityMessageBody>(&*body)) {
    auto again = kb::mc_endpoint::BuildSecurityMessageBody(sec->addressing, sec->message);
    if (!again) std::abort();
    auto back = kb::mc_endpoint::ParseSecurityMessageBody(*again);
    if (!back || back->addressing != sec->addressing || !(back->message == sec->message)) {
      std::abort();
    }
  } else {
    auto& sds = std::get<kb::mc_endpoint::SdsSecurityMessage>(*body);
    if (sds.date_time == 0) return;  // the builder would stamp the current time
    auto again = kb::mc_endpoint::BuildSdsMessageBody(sds);
    if (!again) std::abort();
    auto back = kb::mc_endpoint::ParseSdsMessageBody(*again);
    if (!back || !(*back == sds)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  kb::ByteView rest(data + 1, size - 1);
  if (data[0] == 0) {
    auto msg = kb::net::SipMessage::Parse(kb::AsString(rest));
    if (!msg) return 0;
    auto parts = kb::net::BodyParts(*msg);
    if (parts) Check(*parts);
    return 0;
  }
  auto parts = kb::mc_server::DecodeStoredBody(rest);
  if (parts) Check(*parts);
  return 0;
}
