// TS 23.283 10.4.1.2 Encryption mode / Encryption Algorithm: keybridge's SDP form and the
// negotiation rule (docs/calls.md).
#include "call/lmr_encryption.h"

#include <algorithm>

#include "core/encoding.h"

namespace kb::call {
namespace {

std::string AlgId(uint8_t id) { return "0x" + ToHex(Bytes{id}); }

}  // namespace

std::string EncryptionModeValue(EncryptionMode mode) {
  return mode == EncryptionMode::kE2ee ? "e2ee" : "none";
}

Result<EncryptionMode> ParseEncryptionMode(std::string_view value) {
  if (value == "e2ee") return EncryptionMode::kE2ee;
  if (value == "none") return EncryptionMode::kNone;
  return Fail(Error::Malformed("SDP a=kb-lmr-encryption-mode: '" + std::string(value) +
                               "' is neither e2ee nor none"));
}

std::string EncryptionAlgorithmValue(const LmrEncryption& e) {
  if (e.in_media) return "in-media";
  if (e.algorithm_id) return AlgId(*e.algorithm_id);
  return {};
}

Status ParseEncryptionAlgorithm(std::string_view value, LmrEncryption& into) {
  if (value == "in-media") {
    into.in_media = true;
    into.algorithm_id.reset();
    return Ok();
  }
  if (value.size() != 4 || !value.starts_with("0x")) {
    return Fail(Error::Malformed("SDP a=kb-lmr-encryption-algorithm: '" + std::string(value) +
                                 "' is neither 0xNN nor in-media"));
  }
  KB_TRY(auto id, FromHex(value.substr(2), "SDP a=kb-lmr-encryption-algorithm ALGID"));
  into.algorithm_id = id[0];
  into.in_media = false;
  return Ok();
}

Result<LmrEncryption> NegotiateLmrEncryption(const LmrEncryption& offered,
                                             const LmrEncryptionPolicy& policy) {
  if (offered.mode == EncryptionMode::kNone) {
    if (policy.require_e2ee) {
      return Fail(Error::Unsupported("LMR end-to-end encryption is required but was not offered"));
    }
    return LmrEncryption{};
  }
  if (!policy.allow_e2ee) {
    return Fail(Error::Unsupported("LMR end-to-end encryption is not allowed here"));
  }
  LmrEncryption answer{EncryptionMode::kE2ee, std::nullopt, false};
  if (offered.in_media) {
    if (!policy.accept_in_media) {
      return Fail(
          Error::Unsupported("LMR encryption algorithm carried in the media stream is "
                             "not accepted; name the ALGID"));
    }
    answer.in_media = true;
    return answer;
  }
  if (offered.algorithm_id) {
    if (std::find(policy.algorithms.begin(), policy.algorithms.end(), *offered.algorithm_id) ==
        policy.algorithms.end()) {
      return Fail(Error::Unsupported("LMR encryption algorithm " + AlgId(*offered.algorithm_id) +
                                     " not supported"));
    }
    answer.algorithm_id = offered.algorithm_id;
    return answer;
  }
  if (policy.algorithms.empty()) {
    return Fail(Error::Unsupported("no LMR encryption algorithm supported"));
  }
  answer.algorithm_id = policy.algorithms.front();
  return answer;
}

Status CheckLmrEncryptionAnswer(const LmrEncryption& offered, const LmrEncryption& answered,
                                const LmrEncryptionPolicy& policy) {
  if (answered.mode != offered.mode) {
    return Fail(Error::Unsupported("answer changed the LMR encryption mode from " +
                                   EncryptionModeValue(offered.mode) + " to " +
                                   EncryptionModeValue(answered.mode)));
  }
  if (offered.mode == EncryptionMode::kNone) return Ok();
  if (offered.in_media || offered.algorithm_id) {
    if (answered.in_media != offered.in_media || answered.algorithm_id != offered.algorithm_id) {
      return Fail(Error::Unsupported(
          "answer's LMR encryption algorithm '" + EncryptionAlgorithmValue(answered) +
          "' differs from the offer's '" + EncryptionAlgorithmValue(offered) + "'"));
    }
    return Ok();
  }
  if (!answered.algorithm_id || std::find(policy.algorithms.begin(), policy.algorithms.end(),
                                          *answered.algorithm_id) == policy.algorithms.end()) {
    return Fail(Error::Unsupported("answer's LMR encryption algorithm '" +
                                   EncryptionAlgorithmValue(answered) + "' is not one we support"));
  }
  return Ok();
}

}  // namespace kb::call
