// Shared fixture of the CMS service tests: an IdMS signing key, tokens for the cast (alice, bob,
// the IWF, an administrator), a memory document store and the CMS engine (RFC 4825, TS 24.484).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "cms/cms_fixtures.h"
#include "cms/user_profile.h"
#include "cms_service/cms_service.h"
#include "cms_service/memory_document_store.h"
#include "core/ntp_time.h"
#include "idms/jwt.h"

namespace kb::cms_service::testing {

inline constexpr const char* kAlice = "sip:alice@example.org";
inline constexpr const char* kBob = "sip:bob@example.org";
inline constexpr const char* kIwf = "sip:iwf@lmr.example.org";  // as in cms_fixtures.h
inline constexpr const char* kAdmin = "admin";

inline std::string AliceDoc() {
  return "/xcap-root/org.3gpp.mcptt.user-profile/users/sip:alice@example.org/user-profile-1.xml";
}
inline std::string RootKeyP25() {
  return "/~~/mcptt-user-profile/lrk:lmr-root-key%5B@lmr-type=%22P25%22%5D"
         "?xmlns(lrk=urn:keybridge:ns:lmr-root-key:1.0)";
}

inline int64_t UnixNow() { return NtpTime::Now().unix_seconds(); }

struct CmsEngine {
  idms::JwtSigner signer = idms::JwtSigner::Generate();
  MemoryDocumentStore store;
  std::unique_ptr<CmsService> service;

  CmsEngine() {
    auto v = idms::JwtVerifier::FromPublicKeyPem(signer.PublicKeyPem(), "https://idms.example.org",
                                                 "cms");
    EXPECT_TRUE(v);
    CmsServiceOptions o;
    o.policy.iwf_identities = {kIwf};
    o.policy.administrators = {kAdmin};
    service = std::make_unique<CmsService>(store, *v, o);
  }

  std::string Token(std::string sub, int64_t lifetime = 600, std::string aud = "cms") const {
    idms::JwtClaims c;
    c.sub = std::move(sub);
    c.iss = "https://idms.example.org";
    c.aud = {std::move(aud)};
    c.iat = UnixNow() - (lifetime < 0 ? 3600 : 0);
    c.exp = c.iat + (lifetime < 0 ? 600 : lifetime);
    return signer.Sign(c);
  }
};

// Alice's profile without a root key element, as an administrator PUTs it.
inline std::string AliceProfileXml(std::string name = "Alice (default)") {
  auto p = cms::testing::SampleProfile(/*with_root_key=*/false);
  p.profile_name = std::move(name);
  return *cms::SerializeUserProfile(p);
}

inline std::string RootKeyElementXml(uint32_t serial = 7) {
  auto e = cms::testing::SampleRootKeyElement();
  if (serial != 7) {
    auto info = cms::testing::SampleInfo();
    info.rotation_serial = serial;
    e.rotation_serial = serial;
    e.i_message = cms::testing::SampleRootKeyMessage(info);
  }
  return *cms::SerializeLmrRootKeyElement(e);
}

}  // namespace kb::cms_service::testing
