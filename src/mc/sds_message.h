// TS 24.282 clause 15 MCData standalone SDS: the SDS SIGNALLING PAYLOAD (Table 15.1.2.1-1) and
// the DATA PAYLOAD (15.1.4), used as the transparent container for LMR key management
// (seed 002; TS 29.582 6.2.2.1). IE coding per TS 24.379 Annex I (V, TV, TLV-E).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "mc/lmr_security_message.h"

namespace kb::mc {

inline constexpr const char* kMcdataSignallingMime = "application/vnd.3gpp.mcdata-signalling";
inline constexpr const char* kMcdataPayloadMime = "application/vnd.3gpp.mcdata-payload";

// Message type (15.2.2); values above 0x03 differ between sources and are not used here.
enum class SdsMessageType : uint8_t {
  kSdsSignallingPayload = 0x01,
  kFdSignallingPayload = 0x02,
  kDataPayload = 0x03,
};

// Payload content type (15.2.13).
enum class PayloadContentType : uint8_t {
  kText = 1,
  kBinary = 2,
  kHyperlinks = 3,
  kFileUrl = 4,
  kLocation = 5,
  kEnhancedStatus = 6,
};

// SDS disposition request type (15.2.3), a half-octet TV IE with IEI 0x8-.
enum class SdsDispositionRequest : uint8_t {
  kNone = 0,
  kDelivery = 1,
  kRead = 2,
  kDeliveryAndRead = 3,
};

using Uuid = std::array<uint8_t, 16>;

struct SdsSignallingPayload {
  uint64_t date_time = 0;  // 40-bit seconds (15.2.8), UTC seconds since 1970 (see docs)
  Uuid conversation_id{};
  Uuid message_id{};
  std::optional<Uuid> in_reply_to;                     // IEI 0x21
  std::optional<uint8_t> application_id;               // IEI 0x22
  std::optional<SdsDispositionRequest> disposition;    // IEI 0x8-
  std::optional<std::string> extended_application_id;  // IEI 0x7D
  std::optional<std::string> sender_mcdata_user_id;    // IEI 0x51
  bool operator==(const SdsSignallingPayload&) const = default;
};

struct DataPayloadItem {
  PayloadContentType content_type = PayloadContentType::kBinary;
  Bytes content;
  bool operator==(const DataPayloadItem&) const = default;
};

struct SdsDataPayload {
  std::vector<DataPayloadItem> payloads;  // one or more
  bool operator==(const SdsDataPayload&) const = default;
};

Result<Bytes> EncodeSdsSignallingPayload(const SdsSignallingPayload& p);
Result<SdsSignallingPayload> DecodeSdsSignallingPayload(ByteView data);
Result<Bytes> EncodeSdsDataPayload(const SdsDataPayload& p);
Result<SdsDataPayload> DecodeSdsDataPayload(ByteView data);

// The extended application ID by which keybridge routes an SDS to the client's LMR security
// layer instead of the user (a keybridge convention; see docs/interworking-data.md).
std::string LmrSecurityApplicationId(LmrType type);
// The LMR type named by such an application ID, if it is one.
std::optional<LmrType> LmrTypeOfApplicationId(std::string_view id);

}  // namespace kb::mc
