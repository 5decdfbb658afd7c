// RFC 7914 scrypt password hashes on OpenSSL's EVP_PBE_scrypt.
#include "idms/password_hash.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <charconv>
#include <vector>

#include "core/encoding.h"
#include "core/secret.h"
#include "crypto/random.h"

namespace kb::idms {
namespace {

constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;

Result<SecretBytes> Scrypt(std::string_view password, ByteView salt, const ScryptCost& cost) {
  SecretBytes out(kHashBytes);
  uint64_t n = uint64_t{1} << cost.log2_n;
  uint64_t maxmem = 128 * n * cost.r * cost.p + (uint64_t{1} << 24);
  if (EVP_PBE_scrypt(password.data(), password.size(), salt.data(), salt.size(), n, cost.r, cost.p,
                     maxmem, out.RevealMutable().data(), out.size()) != 1) {
    return Fail(Error::Internal("scrypt failed"));
  }
  return out;
}

Result<uint32_t> Number(std::string_view field, std::string_view text, std::string_view name) {
  if (!text.starts_with(name) || text.size() <= name.size()) {
    return Fail(Error::Malformed(fmt::format("password hash: expected {}", name)));
  }
  text.remove_prefix(name.size());
  uint32_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size()) {
    return Fail(Error::Malformed(fmt::format("password hash: bad {} '{}'", field, text)));
  }
  return v;
}

}  // namespace

std::string HashPassword(std::string_view password, const ScryptCost& cost) {
  Bytes salt = crypto::RandomBytes(kSaltBytes);
  auto hash = Scrypt(password, salt, cost);
  if (!hash) std::abort();  // a valid cost cannot fail; see ScryptCost
  return fmt::format("$scrypt$ln={},r={},p={}${}${}", cost.log2_n, cost.r, cost.p, ToBase64(salt),
                     ToBase64(hash->Reveal()));
}

Result<bool> VerifyPassword(std::string_view password, std::string_view encoded) {
  // "" "scrypt" "ln=..,r=..,p=.." salt hash
  std::vector<std::string_view> parts;
  size_t pos = 0;
  for (;;) {
    size_t next = encoded.find('$', pos);
    parts.push_back(
        encoded.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos));
    if (next == std::string_view::npos || parts.size() > 5) break;
    pos = next + 1;
  }
  if (parts.size() != 5 || !parts[0].empty() || parts[1] != "scrypt") {
    return Fail(Error::Malformed("password hash: expected $scrypt$ln=N,r=R,p=P$salt$hash"));
  }
  std::string_view params = parts[2];
  size_t c1 = params.find(','), c2 = params.rfind(',');
  if (c1 == std::string_view::npos || c1 == c2)
    return Fail(Error::Malformed("password hash: bad parameters"));
  KB_TRY(uint32_t ln, Number("ln", params.substr(0, c1), "ln="));
  KB_TRY(uint32_t r, Number("r", params.substr(c1 + 1, c2 - c1 - 1), "r="));
  KB_TRY(uint32_t p, Number("p", params.substr(c2 + 1), "p="));
  if (ln == 0 || ln > kMaxLog2N || r == 0 || r > 16 || p == 0 || p > 4) {
    return Fail(Error::Malformed("password hash: cost outside the accepted range"));
  }
  KB_TRY(Bytes salt, FromBase64(parts[3], "password hash salt"));
  KB_TRY(Bytes expected, FromBase64(parts[4], "password hash"));
  if (salt.size() < 8 || expected.size() != kHashBytes)
    return Fail(Error::Malformed("password hash: bad lengths"));
  KB_TRY(SecretBytes got, Scrypt(password, salt, ScryptCost{static_cast<uint8_t>(ln), r, p}));
  return ConstantTimeEqual(got.Reveal(), expected);
}

}  // namespace kb::idms
