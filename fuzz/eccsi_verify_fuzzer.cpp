// RFC 6507 5.2.2 ECCSI verification on hostile input: the signature (and its PVT) under the
// Appendix A KPAK and ID. Only kMalformed or kCryptoFailure may come back, and only the RFC's
// own signature may verify (any other would be a forgery without the SSK).
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "core/encoding.h"
#include "crypto/eccsi.h"

namespace {

kb::Bytes FromHexOrDie(const char* hex) {
  auto b = kb::FromHex(hex);
  if (!b) std::abort();
  return *b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const kb::Bytes kpak = FromHexOrDie(
      "0450d4670bde75244f28d2838a0d25558a7a72686d4522d4c8273fb6442aebfa93dbdd37551afd263b5dfd617f"
      "3960c65a8c298850ff99f20366dce7d4367217f4");
  static const kb::Bytes id = FromHexOrDie("323031312d30320074656c3a2b34343737303039303031323300");
  static const kb::Bytes message = FromHexOrDie("6d65737361676500");
  static const kb::Bytes rfc_signature = FromHexOrDie(
      "269d4c8fdeb66a74e4ef8c0d5dcc597ddfe6029c2affc4936008cd2cc1045d81e09b528d0ef8d6df1aa3ecbf80"
      "110cfcec9fc68252cebb679f4134846940ccfd04758a142779be89e829e71984cb40ef758cc4ad775fc5b9a3e1"
      "c8ed52f6fa36d9a79d247692f4eda3a6bdab77d6aa6474a464ae4934663c5265ba7018ba091f79");

  kb::ByteView signature(data, size);
  auto st = kb::crypto::eccsi::Verify(kpak, id, message, signature);
  if (st) {
    if (!std::ranges::equal(signature, rfc_signature)) {
      std::fputs("eccsi_verify_fuzzer: a signature other than the RFC's verified\n", stderr);
      std::abort();
    }
  } else if (st.error().kind() != kb::ErrorKind::kMalformed &&
             st.error().kind() != kb::ErrorKind::kCryptoFailure) {
    std::fprintf(stderr, "eccsi_verify_fuzzer: unexpected error %s\n",
                 st.error().ToString().c_str());
    std::abort();
  }
  // The PVT part on its own, as a key-validation input with a fixed (wrong) SSK.
  if (size >= 65) {
    kb::crypto::eccsi::UserKeys keys{kb::SecretBytes(32), kb::Bytes(data + size - 65, data + size)};
    keys.ssk.RevealMutable()[31] = 1;
    auto hs = kb::crypto::eccsi::ValidateUserKeys(kpak, id, keys);
    if (hs) std::abort();  // [1]G == [HS]PVT + KPAK would mean the fuzzer solved a discrete log
  }
  return 0;
}
