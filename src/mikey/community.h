// TS 33.180 5.3 / Annex D: what a MIKEY-SAKKE end point knows about a KMS community (the public
// part of a KmsCertificate), and the UID of an MC identity in it (Annex F.2.1).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/ntp_time.h"
#include "crypto/mc_identity.h"

namespace kb::crypto::sakke {
class Community;
}

namespace kb::mikey {

// The public keys and key-period schedule of a KMS.
struct KmsPublicKeys {
  std::string kms_uri;  // KmsUri, as it appears in IDRkms and the UID
  Bytes z;              // SAKKE PubEncKey (257 octets)
  Bytes kpak;           // ECCSI PubAuthKey (65 octets)
  KeyPeriod period;     // UserKeyPeriod / UserKeyOffset
  // Optional SAKKE fast path for encapsulation to this community (not owned).
  const crypto::sakke::Community* community = nullptr;

  // The UID of uri in this community for the key period in force at time t.
  crypto::Uid UidAt(std::string_view uri, NtpTime t) const {
    return crypto::MikeySakkeUid(uri, kms_uri, period, period.NumberAt(t));
  }
};

}  // namespace kb::mikey
