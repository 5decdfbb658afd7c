// TS 33.180 Annex K.2 and L.5, TS 23.283 10.4.1.2 (group calls through the IWF): the IWF's
// `calls:` section. Per configured group an LMR media leg (plain RTP carrying the P25 LDU
// payload, where the emulated radio talks), and per MC client that joins with SIP INVITE an MC
// leg with 33.180 SRTP-GCM keyed from the IWF's copy of the group's GMK. Groups in mode e2ee are
// relayed (media::VoiceRelay: the IWF holds no TEK for them); groups in mode gateway are
// terminated (media::SecurityGateway: the IWF holds their TEK and transcodes for clients that
// offer only AMR-WB). docs/calls.md "Group calls through the IWF".
#pragma once

#include <yaml-cpp/yaml.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "app/roles.h"
#include "core/error.h"
#include "net/sip_stack.h"

namespace kb::app {

class IwfCalls {
 public:
  // Reads nodes.<iwf>.calls (docs/calls.md), opens the GMKs and the TEKs of terminated groups,
  // binds every group's LMR port and installs the INVITE and dialog handlers on `stack` (which
  // must outlive this object). Errors name the group and the key.
  static Result<std::unique_ptr<IwfCalls>> Start(const RoleContext& ctx, const YAML::Node& calls,
                                                 const std::string& iwf_uri, net::SipStack& stack);
  ~IwfCalls();
  IwfCalls(const IwfCalls&) = delete;
  IwfCalls& operator=(const IwfCalls&) = delete;

  // Per group: mode, LMR packets received, calls, packets sent to MC; TEKs held.
  nlohmann::json Counters() const;

  struct Impl;

 private:
  explicit IwfCalls(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kb::app
