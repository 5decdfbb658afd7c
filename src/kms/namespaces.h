// XML namespaces of the TS 33.180 Annex D KMS interface.
#pragma once

namespace kb::kms {

inline constexpr const char* kKmsNamespace = "urn:3gpp:ns:mcsecKMSInterface:1.0";
inline constexpr const char* kKrrNamespace = "urn:3gpp:ns:mcsecKMSKRR:1.0";

}  // namespace kb::kms
