// TS 33.180 Annex D (D.2.2, Table D.2.2-1): the KmsRequest document a client POSTs to the KMS.
#pragma once

#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/ntp_time.h"

namespace kb::kms {

// Largest number of KMS Redirect Responses accepted in a KrrList.
inline constexpr size_t kMaxKrrs = 64;

struct KmsRequest {
  std::string version = "1.1.0";  // attribute Version
  std::string user_uri;           // UserUri, mandatory
  std::string kms_uri;            // KmsUri, mandatory
  std::string client_id;          // ClientId (empty: absent)
  std::string device_id;          // DeviceId (empty: absent)
  NtpTime time;                   // Time, mandatory
  std::string client_req_url;     // ClientReqUrl, mandatory: the URL the request is POSTed to
  // KrrList: the KMS Redirect Responses (5.2.8, namespace urn:3gpp:ns:mcsecKMSKRR:1.0), kept
  // opaque: each entry is one child element of KrrList as XML text. Empty: no KrrList.
  std::vector<std::string> krr_list;
  std::string client_error;  // ClientError (empty: absent)
  std::string trk_id;        // TrK-ID (empty: absent)
  std::string signature_id;  // Signature-ID (empty: absent)

  friend bool operator==(const KmsRequest&, const KmsRequest&) = default;
};

// Parses a document whose root is KmsRequest.
Result<KmsRequest> ParseKmsRequest(std::string_view xml);
std::string ToXml(const KmsRequest& request);

}  // namespace kb::kms
