// TIA-102.AACA 10: KMM summaries for the ladder diagram (docs/ladder.md). Never key material.
#include "ladder/kmm_summary.h"

#include <fmt/format.h>

#include <type_traits>

#include "p25/kmm.h"

namespace kb::ladder {
namespace {

std::string Hex2(uint8_t v) { return fmt::format("0x{:02X}", v); }
std::string Hex4(uint16_t v) { return fmt::format("0x{:04X}", v); }

void AddKeyItems(KmmSummary& s, uint8_t keyset, uint8_t algid,
                 const std::vector<p25::KeyItem>& items) {
  for (const auto& k : items)
    s.keys.push_back(KeyIdSummary{keyset, algid, k.sln, k.kid, std::nullopt});
}

void Describe(KmmSummary& s, const p25::KmmBody& body) {
  std::visit(
      [&s](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, p25::RekeyCommand>) {
          s.kek = std::pair{b.decryption.kek_algid, b.decryption.kek_kid};
          for (const auto& ks : b.keysets) AddKeyItems(s, ks.keyset_id, ks.algid, ks.keys);
        } else if constexpr (std::is_same_v<T, p25::ModifyKeyCommand>) {
          s.kek = std::pair{b.decryption.kek_algid, b.decryption.kek_kid};
          AddKeyItems(s, b.keyset_id, b.algid, b.keys);
        } else if constexpr (std::is_same_v<T, p25::RekeyAcknowledgment>) {
          s.detail = fmt::format("acknowledges {}", p25::MessageIdName(b.acknowledged_message_id));
          for (const auto& i : b.items)
            s.keys.push_back(KeyIdSummary{std::nullopt, i.algid, std::nullopt, i.kid,
                                          static_cast<uint8_t>(i.status)});
        } else if constexpr (std::is_same_v<T, p25::NegativeAcknowledgment>) {
          s.detail = fmt::format("refuses {} MN {}: status {}",
                                 p25::MessageIdName(b.acknowledged_message_id), b.message_number,
                                 Hex2(static_cast<uint8_t>(b.status)));
        } else if constexpr (std::is_same_v<T, p25::DeleteKeyCommand>) {
          for (uint16_t kid : b.kids)
            s.keys.push_back(KeyIdSummary{b.keyset_id, b.algid, std::nullopt, kid, std::nullopt});
        } else if constexpr (std::is_same_v<T, p25::Hello>) {
          s.detail = b.flag == p25::Hello::kIdentification         ? "identification"
                     : b.flag == p25::Hello::kRekeyRequestWithUkek ? "rekey request (holds a UKEK)"
                     : b.flag == p25::Hello::kRekeyRequestNoUkek   ? "rekey request (no UKEK)"
                                                                   : "flag " + Hex2(b.flag);
        }
      },
      body);
}

}  // namespace

Result<KmmSummary> SummariseKmm(ByteView kmm) {
  KB_TRY(p25::KmmFrame frame, p25::DecodeKmmFrame(kmm));
  KmmSummary s;
  s.message_id = static_cast<uint8_t>(frame.header.message_id);
  s.name = std::string(p25::MessageIdName(frame.header.message_id));
  s.destination_rsi = frame.header.destination_rsi;
  s.source_rsi = frame.header.source_rsi;
  s.message_number = frame.header.message_number;
  if (frame.mac) s.mac = std::pair{frame.mac->algid, frame.mac->kid};
  s.length = kmm.size();
  auto body = p25::DecodeKmmBody(frame);
  if (!body) {
    s.body_error = body.error().ToString();
    return s;
  }
  Describe(s, *body);
  return s;
}

std::string KmmSummary::Text() const {
  std::string t = fmt::format("{} {}->{}", name, source_rsi, destination_rsi);
  if (message_number) t += fmt::format(" MN {}", *message_number);
  if (mac) t += fmt::format(" MAC {}/{}", Hex2(mac->first), Hex4(mac->second));
  std::vector<std::string> parts;
  if (!detail.empty()) parts.push_back(detail);
  if (kek && !keys.empty())
    parts.push_back(kek->first == 0x80 ? std::string("keys in clear")
                                       : fmt::format("wrapped under KEK {}/{}", Hex2(kek->first),
                                                     Hex4(kek->second)));
  for (const auto& k : keys) {
    std::string item;
    if (k.keyset) item += fmt::format("keyset {} ", *k.keyset);
    item += fmt::format("ALGID {}", Hex2(k.algid));
    if (k.sln) item += fmt::format(" SLN {}", *k.sln);
    item += fmt::format(" KID {}", Hex4(k.kid));
    if (k.status) item += fmt::format(" status {}", Hex2(*k.status));
    parts.push_back(item);
  }
  if (!body_error.empty()) parts.push_back("body not decoded: " + body_error);
  if (!parts.empty()) t += ": " + fmt::format("{}", fmt::join(parts, "; "));
  return t;
}

nlohmann::json KmmSummary::Json() const {
  nlohmann::json j = {{"message_id", Hex2(message_id)},
                      {"name", name},
                      {"destination_rsi", destination_rsi},
                      {"source_rsi", source_rsi},
                      {"length", length}};
  j["message_number"] = message_number ? nlohmann::json(*message_number) : nlohmann::json(nullptr);
  if (mac) j["mac"] = {{"algid", Hex2(mac->first)}, {"kid", Hex4(mac->second)}};
  if (kek) j["kek"] = {{"algid", Hex2(kek->first)}, {"kid", Hex4(kek->second)}};
  if (!detail.empty()) j["detail"] = detail;
  if (!body_error.empty()) j["body_error"] = body_error;
  nlohmann::json keys_json = nlohmann::json::array();
  for (const auto& k : keys) {
    nlohmann::json kj = {{"algid", Hex2(k.algid)}, {"kid", Hex4(k.kid)}};
    if (k.keyset) kj["keyset"] = *k.keyset;
    if (k.sln) kj["sln"] = *k.sln;
    if (k.status) kj["status"] = Hex2(*k.status);
    keys_json.push_back(std::move(kj));
  }
  j["keys"] = std::move(keys_json);
  return j;
}

}  // namespace kb::ladder
