// TS 33.180 5.3 and Annex D: the client's view of provisioning: the KMS certificate and the
// user's key sets, loaded from any form a client may hold them in (the bare KmsCertificate or
// KmsKeySet document, or the whole KmsResponse the KMS sent).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "kms/kms_certificate.h"
#include "kms/kms_key_set.h"

namespace kb::kms {

// The KMS certificate from a KmsCertificate document, or from a KmsResponse carrying KmsInit or
// KmsCertCache. From a cache, the certificate whose KmsUri is kms_uri (when given), else the
// first one. A KmsResponse carrying KmsError fails with kNotFound and the KMS's code.
Result<KmsCertificate> LoadKmsCertificate(std::string_view xml, std::string_view kms_uri = {});

// The key sets from a KmsKeySet document (one set) or a KmsResponse carrying KmsKeyProv.
Result<std::vector<KmsKeySet>> LoadKmsKeySets(std::string_view xml);

// The key set of user_uri (any user when empty) for key period period_number; kNotFound when
// there is none.
Result<KmsKeySet> SelectKeySet(const std::vector<KmsKeySet>& key_sets, std::string_view user_uri,
                               uint64_t period_number);

}  // namespace kb::kms
