// keybridge KMS service (TS 33.180 5.3, Annex D): the store interface: a record of every key set
// issued (who, which key period, when), for audit.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/ntp_time.h"

namespace kb::kms_service {

struct IssueRecord {
  std::string user_uri;
  uint64_t key_period_no = 0;
  NtpTime issued_at;
  std::string resource;  // the Annex D resource, e.g. "keyprov"
};

// Implementations are thread-safe.
class KmsStore {
 public:
  virtual ~KmsStore() = default;
  virtual Status RecordIssue(const IssueRecord& record) = 0;
  // Every record for user_uri, oldest first.
  virtual Result<std::vector<IssueRecord>> Issued(std::string_view user_uri) = 0;
};

}  // namespace kb::kms_service
