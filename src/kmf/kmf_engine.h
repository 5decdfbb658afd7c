// TIA-102.AACA OTAR: the Key Management Facility engine (AACA §9.2 behaviour, keybridge rules).
//
// The engine holds no socket, thread or clock: callers pass the time in, hand it inbound KMMs
// and send the KMMs it returns (addressed by RSI) over whatever transport they have. All state
// lives in the KmfStore it is given, so a KMF restarted on the same store resumes every campaign.
//
// Sole control (TS 23.283 §5.1 d): every administrative call and operation names the acting
// organisation, and the engine refuses to address, read or wrap keys of units, groups, keysets
// or campaigns of any other organisation (kNotFound, which does not reveal that they exist).
// Inbound KMMs are attributed to the organisation that owns the source RSI; a unit's KMMs only
// ever carry its own organisation's TEKs, wrapped under its own UKEK.
//
// Not thread-safe: one caller at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "kmf/campaign.h"
#include "kmf/kmf_store.h"
#include "kmf/kmf_types.h"
#include "p25/kmm.h"

namespace kb::kmf {

struct EngineOptions {
  Duration first_timeout = std::chrono::seconds(30);  // EFJohnson radios give up after ~30 s
  Duration max_timeout = std::chrono::minutes(10);    // back-off doubles up to this
  uint32_t max_attempts = 5;                          // then the task fails
  size_t max_sends_per_tick = SIZE_MAX;               // pacing of a large campaign
};

// A KMM to send to one unit.
struct Outbound {
  Rsi destination = 0;
  int64_t task_id = 0;  // 0 for replies that are not tracked (No-Service, Deregistration-Response)
  Bytes kmm;
};

// What an operator can see of a unit (never key values).
using UnitInfo = UnitSummary;

// A key named with its fingerprint (p25::KeyFingerprint), never its value.
struct FingerprintedKey {
  KeyRef ref;
  std::string fingerprint;
};

// What one unit should hold now according to the key database (docs/kmf.md "Expected keys").
struct UnitExpectation {
  std::string org;
  Rsi rsi = 0;
  UnitState state = UnitState::kActive;
  FingerprintedKey root_key;           // the UKEK (keyset_id 0xFF, sln 0)
  std::vector<FingerprintedKey> keys;  // TEKs, ordered by keyset, SLN
};

class KmfEngine {
 public:
  KmfEngine(KmfStore& store, EngineOptions options = {}) : store_(store), opt_(options) {}

  // --- Key database administration (all scoped to the acting organisation) ---
  Status AddOrganisation(const Organisation& org);
  // Every organisation (the KMF operator's view, for commands not scoped to one).
  Result<std::vector<Organisation>> ListOrganisations() { return store_.ListOrganisations(); }
  // Creates or updates a keyset; activating one deactivates the organisation's others.
  Status PutKeyset(std::string_view org, uint8_t keyset_id, bool active);
  // Stores a TEK (creating its keyset, inactive unless it is the first). The key length must
  // match the ALGID.
  Status PutTek(std::string_view org, Tek tek);
  // Provisions a unit; its RSI must be free or already the organisation's. Setting unit.org is
  // not needed (the acting organisation is used). An empty MAC key defaults to the UKEK.
  Status AddUnit(std::string_view org, Unit unit);
  // Creates or replaces a group; every member must be a unit of the organisation.
  Status PutGroup(std::string_view org, Group group);
  Status DeleteGroup(std::string_view org, std::string_view name);
  Result<UnitInfo> GetUnit(std::string_view org, Rsi rsi);
  // The organisation's units, by RSI (no key is unsealed).
  Result<std::vector<UnitInfo>> ListUnits(std::string_view org);
  // The unit's UKEK, for handing it to the IWF's root key distribution (docs/kmf.md "Root key
  // export"); the only call that returns a unit key. kNotFound outside the organisation.
  Result<NamedKey> ExportUkek(std::string_view org, Rsi rsi);
  Result<std::vector<KeyRef>> ListKeys(std::string_view org);
  // Per unit of the organisation (by RSI), the TEKs it should hold now: for every keyset, the
  // TEKs whose SLN one of its groups lists (what a Rekey-Command delivers); none once the unit
  // confirmed a zeroize. Reads (unseals) the keys to fingerprint them.
  Result<std::vector<UnitExpectation>> Expected(std::string_view org);

  // --- Operations: each creates a campaign (returns its id) whose KMMs Tick() sends ---
  Result<int64_t> RekeyUnit(std::string_view org, Rsi rsi, TimePoint now);
  Result<int64_t> RekeyGroup(std::string_view org, std::string_view group, TimePoint now);
  Result<int64_t> RekeyAll(std::string_view org, TimePoint now);
  // Replaces (or adds) one TEK and pushes it with Modify-Key-Command to every unit whose groups
  // need its SLN.
  Result<int64_t> ModifyKey(std::string_view org, Tek tek, TimePoint now);
  // Activates a keyset in the database and sends Changeover-Command to every unit.
  Result<int64_t> Changeover(std::string_view org, uint8_t superseded, uint8_t activated,
                             TimePoint now);
  // Zeroizes a (lost) unit: its other tasks are cancelled at once so the Zeroize-Command goes
  // out first; once confirmed the unit is never addressed again.
  Result<int64_t> Zeroize(std::string_view org, Rsi rsi, TimePoint now);
  Result<int64_t> Inventory(std::string_view org, Rsi rsi, uint8_t inventory_type, TimePoint now);
  // Moves the unit to a new RSI once it confirms.
  Result<int64_t> ChangeRsi(std::string_view org, Rsi rsi, Rsi new_rsi, TimePoint now);
  Result<int64_t> Register(std::string_view org, Rsi rsi, TimePoint now);
  // Warm start: one Warm-Start-Command per TEK of the active keyset the unit needs, each
  // wrapped under its UKEK and acknowledged with Rekey-Acknowledgment (docs/kmf.md).
  Result<int64_t> WarmStart(std::string_view org, Rsi rsi, TimePoint now);

  // --- I/O ---
  // Sends queued tasks and resends timed-out ones (fresh MN each time); fails a task after
  // max_attempts. Call it after each operation and periodically.
  Result<std::vector<Outbound>> Tick(TimePoint now);
  // Consumes one KMM from a unit. Errors (undecodable, unknown unit, bad MAC, wrong recipient)
  // mean the KMM was dropped; a duplicate or late answer is accepted and ignored (no reply).
  Result<std::vector<Outbound>> HandleInbound(ByteView kmm, TimePoint now);

  // --- Status ---
  Result<CampaignStatus> GetCampaignStatus(std::string_view org, int64_t campaign_id);
  Result<std::vector<Campaign>> ListCampaigns(std::string_view org);

  // Counters for tests and logs.
  struct Counters {
    uint64_t sent = 0, resent = 0, acked = 0, failed = 0, ignored = 0, dropped = 0;
  };
  const Counters& counters() const { return counters_; }

 private:
  struct TickCache;
  Status RequireOrg(std::string_view org);
  // The unit if it belongs to org (its keys are not unsealed); kNotFound otherwise.
  Result<UnitSummary> OwnedUnit(std::string_view org, Rsi rsi);
  Result<int64_t> StartCampaign(std::string_view org, CampaignKind kind,
                                const CampaignParams& params, const std::vector<Rsi>& units,
                                TimePoint now, std::string description);
  Result<std::vector<Rsi>> UnitsNeedingSln(std::string_view org, uint16_t sln);
  Status SendTask(Task& task, TimePoint now, TickCache& cache, std::vector<Outbound>& out);
  Status SendOrFail(Task& task, TimePoint now, TickCache& cache, std::vector<Outbound>& out);
  Status FailTask(Task& task, TimePoint now, uint8_t status, std::string detail);
  Status FinishTask(Task& task, TimePoint now, std::string detail);
  Status SendHeadIfDue(Rsi rsi, TimePoint now, TickCache& cache, std::vector<Outbound>& out);
  Result<std::vector<Outbound>> HandleVerified(Unit& unit, const p25::Kmm& in, TimePoint now);
  Result<Outbound> Reply(Unit& unit, p25::KmmBody body);
  // Whether an answer belongs to the unit's in-flight task, and which one.
  Result<std::optional<Task>> MatchInFlight(const Unit& unit, const p25::Kmm& in,
                                            std::initializer_list<CampaignKind> kinds);
  Duration TimeoutFor(uint32_t attempts) const;

  KmfStore& store_;
  EngineOptions opt_;
  Counters counters_;
};

}  // namespace kb::kmf
