// TS 33.180 5.3 (client side): fetch an MC identity's keys and write them to files.
#include "app/identity_key_files.h"

#include <string_view>

#include "app/output.h"
#include "core/ntp_time.h"
#include "kms/at_rest.h"
#include "kms_client/kms_client.h"

namespace kb::app {

Result<size_t> FetchIdentityKeyFiles(const IdentityKeyFetch& f, const SecretBytes& password) {
  ByteView pw = password.Reveal();
  KB_TRY(std::string token,
         kms_client::Login(f.idms_tls, f.idms_url, f.user,
                           std::string_view(reinterpret_cast<const char*>(pw.data()), pw.size())));
  KB_TRY(auto keys, kms_client::FetchKeys(f.kms_tls, f.kms_url, token, f.user, NtpTime::Now()));
  std::error_code ec;
  if (!f.cert_out.empty()) {
    if (f.cert_out.has_parent_path())
      std::filesystem::create_directories(f.cert_out.parent_path(), ec);
    std::string xml = kms::ToXml(keys.certificate);
    KB_CHECK(kms::WriteFileAtomic(
        f.cert_out, ByteView(reinterpret_cast<const uint8_t*>(xml.data()), xml.size()), 0644));
  }
  if (f.keys_out.has_parent_path())
    std::filesystem::create_directories(f.keys_out.parent_path(), ec);
  KB_CHECK(WriteSecretOutput(f.keys_out.string(), kms::ToXml(keys.keyprov_response)));
  return keys.key_sets.size();
}

}  // namespace kb::app
