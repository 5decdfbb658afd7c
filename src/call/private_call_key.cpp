// TS 33.180 7.2 / E.3 / 7.4.1: PCK generation by the initiator (the IWF for an LMR caller),
// transport in SDP (RFC 4567) and the SRTP master keys.
#include "call/private_call_key.h"

#include "crypto/random.h"

namespace kb::call {

Result<PrivateCallKey> CreatePrivateCallKey(const mikey::Initiator& initiator,
                                            const mikey::Responder& responder, NtpTime now) {
  Bytes id_octets = crypto::RandomBytes(4);
  uint32_t low = (static_cast<uint32_t>(id_octets[0]) << 24 | id_octets[1] << 16 |
                  id_octets[2] << 8 | id_octets[3]) &
                 0x0fffffffu;
  mikey::DistributedKey key{crypto::PurposeTag::kPck,
                            static_cast<uint32_t>(crypto::PurposeTag::kPck) << 28 | low,
                            crypto::RandomSecret(16)};
  mikey::CreateOptions options;
  options.now = now;
  options.sakke_to_self = true;
  KB_TRY(auto created, mikey::CreateIMessage(initiator, responder, key, options));
  PrivateCallKey out;
  out.pck = std::move(key.key);
  out.pck_id = created.csb_id;
  out.rand = std::move(created.rand);
  out.i_message = std::move(created.message);
  return out;
}

void AttachPrivateCallKey(CallMedia& offer, const PrivateCallKey& key) {
  offer.mikey = key.i_message;
}

Result<PrivateCallKey> OpenPrivateCallKey(const CallMedia& offer, const mikey::ReceiverIdentity& me,
                                          const mikey::OpenOptions& options,
                                          std::string_view expected_initiator) {
  if (!offer.mikey) {
    return Fail(Error::Malformed("private call offer lacks a=key-mgmt:mikey (the PCK)"));
  }
  mikey::OpenOptions o = options;
  o.expected_key_type = crypto::PurposeTag::kPck;
  o.open_as = mikey::OpenAs::kResponder;
  KB_TRY(auto opened, mikey::OpenIMessage(*offer.mikey, me, o));
  if (opened.initiator_uri != expected_initiator) {
    return Fail(Error::Unauthorised("PCK I_MESSAGE signed by '" + opened.initiator_uri +
                                    "', not by the caller '" + std::string(expected_initiator) +
                                    "'"));
  }
  PrivateCallKey out;
  out.pck = std::move(opened.key);
  out.pck_id = opened.key_id;
  out.rand = std::move(opened.rand);
  out.prf_func = opened.prf_func;
  return out;
}

srtp::MasterKeyMaterial PrivateCallMasterKey(const PrivateCallKey& key, uint8_t cs_id) {
  auto prf =
      key.prf_func == 0 ? crypto::MikeyPrfFunc::kHmacSha1 : crypto::MikeyPrfFunc::kHmacSha256;
  return srtp::DeriveMasterKey(prf, key.pck.Reveal(), cs_id, key.pck_id, key.rand);
}

}  // namespace kb::call
