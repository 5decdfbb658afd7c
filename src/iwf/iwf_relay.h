// TS 23.283 10.12 "LMR security transport", IWF side (docs/iwf.md): relays P25 KMMs between an
// LMR-hosted KMF (UDP, DLI preamble, TIA-102.AACD) and LMR-aware MC service clients (non-3GPP
// security message requests through the MC service server). Routes on the KMM header only
// (destination RSI toward MC, the client's MC service ID toward the KMF); the body is opaque.
//
// The relay has no socket and no thread: an McFace and an LmrFace carry the messages, a clock
// gives the time, and every accepted message goes through the IwfOutbox first (durable, relayed
// once). Thread-safe: the LMR socket thread, the SIP thread and a timer may call it at once.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/error.h"
#include "iwf/dli_preamble.h"
#include "iwf/iwf_outbox.h"
#include "iwf/rsi_map.h"
#include "mc/lmr_security_message.h"

namespace kb::iwf {

// What became of one request sent toward the MC system.
struct McSendOutcome {
  enum class Kind {
    kAccepted,  // 2xx: the MC service server took it (it stores and forwards)
    kRefused,   // a final refusal (4xx other than 408): retrying cannot help
    kRetry,     // no answer, transport error, 408 or 5xx/6xx: try again later
  };
  Kind kind = Kind::kRetry;
  int sip_status = 0;
  std::string reason;
};
using McSendDone = std::function<void(McSendOutcome)>;

// The MC face: sends a non-3GPP security message request (addressed to its MC service ID) and
// reports the outcome once, from any thread, possibly before Send returns.
class McFace {
 public:
  virtual ~McFace() = default;
  virtual void Send(mc::SecurityMessageRequest request, McSendDone done) = 0;
};

// The LMR face: one UDP datagram (preamble + KMM) to the KMF.
class LmrFace {
 public:
  virtual ~LmrFace() = default;
  virtual Status SendToKmf(ByteView datagram) = 0;
};

struct RelayOptions {
  std::string own_uri;            // URI of the LMR security functional entity (ours)
  DliPreamble preamble_to_kmf;    // clear Version 0 preamble in front of KMMs to the KMF
  size_t max_in_flight = 256;     // requests toward MC awaiting their answer, all targets
  int64_t first_retry_ms = 1000;  // back-off doubles up to max_retry_ms
  int64_t max_retry_ms = 30'000;
  int64_t dedup_window_ms = 600'000;  // a message ID seen within this window is relayed once
  std::function<int64_t()> clock;     // milliseconds; default: the system clock
};

// The answer the IWF gives to a request from the MC system: a SIP status and reason.
struct McDecision {
  int sip_status = 200;
  std::string reason = "OK";
  bool accepted() const { return sip_status >= 200 && sip_status < 300; }
};

struct RelayCounters {
  uint64_t from_kmf = 0;           // datagrams received from the KMF
  uint64_t to_mc_accepted = 0;     // requests the MC service server took
  uint64_t to_mc_refused = 0;      // final refusals from the MC system
  uint64_t to_mc_retries = 0;      // re-sends after no answer or a transient error
  uint64_t from_mc = 0;            // requests received from the MC system
  uint64_t to_kmf = 0;             // datagrams sent to the KMF
  uint64_t to_kmf_errors = 0;      // UDP send failures (retried)
  uint64_t bad_preamble = 0;       // truncated or unsupported DLI preamble
  uint64_t encrypted_refused = 0;  // preamble ALGID != 0x80: the header cannot be read
  uint64_t bad_kmm = 0;            // KMM header unreadable (either direction)
  uint64_t unknown_rsi = 0;        // KMF KMM for an RSI the map does not have
  uint64_t unknown_mc_id = 0;      // MC request from an MC service ID the map does not have
  uint64_t wrong_fe_uri = 0;       // MC request naming another LMR security FE
  uint64_t wrong_lmr_type = 0;     // MC request of another LMR type than the mapping's
  uint64_t spoofed_rsi = 0;        // KMM source RSI is not the sender's mapped RSI
  uint64_t duplicates = 0;         // message ID already relayed (either direction)
  std::map<uint8_t, uint64_t> kmf_to_mc_by_message_id;  // KMM Message ID -> count
  std::map<uint8_t, uint64_t> mc_to_kmf_by_message_id;
};

class IwfRelay {
 public:
  // Loads the outbox's pending entries (a restart resumes them; call Pump to send).
  static Result<std::unique_ptr<IwfRelay>> Create(RsiMap map, IwfOutbox& outbox, McFace& mc,
                                                  LmrFace& lmr, RelayOptions options);
  ~IwfRelay();
  IwfRelay(const IwfRelay&) = delete;
  IwfRelay& operator=(const IwfRelay&) = delete;

  // A datagram from the KMF: preamble + KMM. Accepted ones are recorded and sent toward the MC
  // service ID of the destination RSI; everything else is counted, logged and dropped.
  void OnKmfDatagram(ByteView datagram);

  // A request from the MC system (MC service ID = the sending client). On 2xx the KMM was
  // recorded and sent (or will be resent) to the KMF; otherwise the status says why not.
  McDecision OnMcRequest(const mc::SecurityMessageRequest& request);

  // Sends what is due: queued and retried requests toward MC, unsent datagrams to the KMF, and
  // forgets finished outbox entries older than the dedup window. Call it periodically.
  void Pump();

  RelayCounters counters() const;
  size_t pending() const;  // accepted, not yet taken by the next hop
  const RsiMap& map() const { return map_; }
  const std::string& own_uri() const { return opt_.own_uri; }

 private:
  struct Destination {
    std::deque<OutboxEntry> queue;
    bool in_flight = false;
  };
  IwfRelay(RsiMap map, IwfOutbox& outbox, McFace& mc, LmrFace& lmr, RelayOptions options);
  int64_t Now() const;
  void Enqueue(OutboxEntry e);  // mutex held
  void OnOutcome(const std::string& dest, int64_t seq, McSendOutcome outcome);
  void SendToKmfLocked();  // mutex held

  RsiMap map_;
  IwfOutbox& outbox_;
  McFace& mc_;
  LmrFace& lmr_;
  RelayOptions opt_;

  mutable std::mutex mu_;
  RelayCounters counters_;
  std::map<std::string, Destination> dests_;
  std::deque<std::string> ready_;                // destinations whose head may go now
  std::multimap<int64_t, std::string> delayed_;  // destinations waiting for a retry time
  std::deque<OutboxEntry> to_kmf_;               // datagrams not yet sent
  size_t in_flight_ = 0;
  size_t pending_to_mc_ = 0;
  int64_t last_purge_ms_ = 0;
  bool pumping_ = false;
  bool pump_again_ = false;
};

// The keybridge message ID of a KMF datagram: the first 16 octets of SHA-256 over a label and
// the datagram, so that a repeated datagram gets the same ID (and is relayed once).
mc::MessageId MessageIdOfDatagram(ByteView datagram);

}  // namespace kb::iwf
