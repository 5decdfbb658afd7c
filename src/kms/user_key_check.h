// TS 33.180 5.3 (with RFC 6507 5.1.2 and RFC 6508 6.1.2): the checks a client makes on a key
// set before using it.
#pragma once

#include "core/error.h"
#include "kms/kms_certificate.h"
#include "kms/kms_key_set.h"

namespace kb::kms {

// Checks key_set against cert: the same KmsUri (kWrongRecipient), UserIdFormat "2"
// (kUnsupported), UserID equal to the F.2.1 UID of (UserUri, KmsUri, period, offset,
// KeyPeriodNo) (kWrongRecipient), not revoked (kExpired), key lengths (kMalformed), the ECCSI
// SSK/PVT against PubAuthKey and the SAKKE RSK against PubEncKey (kCryptoFailure). Whether
// KeyPeriodNo is the current or the next period is the caller's check (it owns the clock).
Status CheckKeySet(const KmsCertificate& cert, const KmsKeySet& key_set);

}  // namespace kb::kms
