// keybridge IdMS (TS 33.180 5.1.2, Annex B): the accounts store interface: users and service
// identities (clients, IWF, GMS) with their password hashes and scopes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace kb::idms {

struct Account {
  std::string subject;              // the MC ID URI (sip:alice@example.org) or service URI
  std::string password_hash;        // idms/password_hash.h form
  std::vector<std::string> scopes;  // granted scopes
  bool service = false;             // a service identity (IWF, GMS ...) rather than a user
  bool disabled = false;
};

// Implementations are thread-safe.
class IdmsStore {
 public:
  virtual ~IdmsStore() = default;
  virtual Result<std::optional<Account>> Find(std::string_view subject) = 0;
  // Inserts or replaces the account with this subject.
  virtual Status Put(const Account& account) = 0;
  virtual Result<std::vector<std::string>> Subjects() = 0;
};

}  // namespace kb::idms
