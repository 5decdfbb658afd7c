// TIA-102.AACA 10 KMM Decode/Encode dispatch on Message ID.
#include "p25/kmm.h"

#include <fmt/format.h>

namespace kb::p25 {
namespace {

template <typename T>
Result<KmmBody> DecodeAs(ByteReader& r) {
  KB_TRY(T body, T::DecodeBody(r));
  KB_CHECK(r.ExpectEnd(fmt::format("{} body", MessageIdName(T::kId))));
  return KmmBody(std::move(body));
}

// Calls f.template operator()<T>() for the body type T whose kId is id; false if none.
template <typename F, size_t I = 0>
bool ForBodyType(MessageId id, F&& f) {
  if constexpr (I == std::variant_size_v<KmmBody>) {
    return false;
  } else {
    using T = std::variant_alternative_t<I, KmmBody>;
    if (T::kId == id) {
      f.template operator()<T>();
      return true;
    }
    return ForBodyType<F, I + 1>(id, std::forward<F>(f));
  }
}

}  // namespace

MessageId MessageIdOf(const KmmBody& body) {
  return std::visit([](const auto& b) { return std::decay_t<decltype(b)>::kId; }, body);
}

bool IsKnownMessageId(MessageId id) {
  return ForBodyType(id, []<typename T>() {});
}

Result<KmmBody> DecodeKmmBody(const KmmFrame& frame) {
  ByteReader r(frame.body, frame.BodyOffset());
  std::optional<Result<KmmBody>> out;
  bool known =
      ForBodyType(frame.header.message_id, [&]<typename T>() { out.emplace(DecodeAs<T>(r)); });
  if (!known) {
    return Fail(Error::Unsupported(fmt::format("Message ID at offset 0: 0x{:02X} has no body codec",
                                               static_cast<uint8_t>(frame.header.message_id))));
  }
  return std::move(*out);
}

Result<Bytes> EncodeKmmBody(const KmmBody& body) {
  ByteWriter w;
  KB_CHECK(std::visit([&](const auto& b) { return b.EncodeBody(w); }, body));
  return std::move(w).Take();
}

Result<Kmm> Kmm::Decode(ByteView kmm) {
  KB_TRY(KmmFrame frame, DecodeKmmFrame(kmm));
  KB_TRY(KmmBody body, DecodeKmmBody(frame));
  return Kmm{frame.header, std::move(body), std::move(frame.mac)};
}

Result<Bytes> EncodeKmm(const KmmHeader& header, const KmmBody& body,
                        const std::optional<MacTrailer>& mac) {
  KmmFrame frame;
  frame.header = header;
  frame.header.message_id = MessageIdOf(body);
  KB_TRY(frame.body, EncodeKmmBody(body));
  frame.mac = mac;
  return EncodeKmmFrame(frame);
}

Result<Bytes> Kmm::Encode() const { return EncodeKmm(header, body, mac); }

KmmBody CloneKmmBody(const KmmBody& body) {
  return std::visit(
      [](const auto& b) -> KmmBody {
        if constexpr (requires { b.Clone(); }) {
          return b.Clone();
        } else {
          return b;
        }
      },
      body);
}

}  // namespace kb::p25
