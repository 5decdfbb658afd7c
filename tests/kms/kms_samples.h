// TS 33.180 Annex D test samples: documents with placeholder keys of the right lengths.
#pragma once

#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/ntp_time.h"
#include "core/secret.h"
#include "kms/kms_certificate.h"
#include "kms/kms_key_set.h"

namespace kb::kms::testing {

// n octets counting up from first, so that values are recognisable and distinct.
inline Bytes Pattern(size_t n, uint8_t first) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(first + i);
  return b;
}

inline NtpTime Time(std::string_view iso) { return *NtpTime::ParseIso8601(iso); }

inline KmsCertificate SampleCertificate() {
  KmsCertificate c;
  c.cert_uri = "cert1.kms.example.org";
  c.kms_uri = "kms.example.org";
  c.issuer = "www.example.org";
  c.valid_from = Time("2000-01-26T00:00:00Z");
  c.valid_to = Time("2035-01-26T23:59:59Z");
  c.key_period = {2592000, 0};
  c.pub_enc_key = Pattern(257, 0x04);
  c.pub_enc_key[0] = 0x04;
  c.pub_auth_key = Pattern(65, 0x04);
  c.kms_domains = {"sec1.example.org", "sec2.example.org"};
  return c;
}

inline KmsKeySet SampleKeySet() {
  KmsKeySet k;
  k.kms_uri = "kms.example.org";
  k.cert_uri = "cert1.kms.example.org";
  k.issuer = "www.example.org";
  k.user_uri = "sip:user@example.org";
  k.user_id = Pattern(32, 0xa0);
  k.valid_from = Time("2026-01-01T00:00:00Z");
  k.valid_to = Time("2026-01-31T00:00:00Z");
  k.key_period_no = 1514;
  k.user_decrypt_key = SecretBytes(Pattern(257, 0x10));
  k.user_signing_key_ssk = SecretBytes(Pattern(32, 0x20));
  k.user_pub_token_pvt = Pattern(65, 0x30);
  return k;
}

// The local names of the element children of the root of xml, in document order.
inline std::vector<std::string> ChildNames(std::string_view xml, std::string_view path = {}) {
  pugi::xml_document doc;
  doc.load_buffer(xml.data(), xml.size());
  pugi::xml_node n = doc.document_element();
  if (!path.empty()) n = doc.first_element_by_path(std::string(path).c_str());
  std::vector<std::string> out;
  for (pugi::xml_node c : n.children()) {
    if (c.type() == pugi::node_element) out.emplace_back(c.name());
  }
  return out;
}

}  // namespace kb::kms::testing
