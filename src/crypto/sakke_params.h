// RFC 6509 Appendix A / RFC 6508 Appendix A: SAKKE parameter set 1 (IANA "SAKKE params" 1).
#pragma once

#include <string_view>

namespace kb::crypto::sakke {

// Hex of the public constants; q is derived as (p+1)/4 and checked against kQHex in the tests.
inline constexpr std::string_view kPHex =
    "997abb1f0a563fda65c61198dad0657a416c0ce19cb48261be9ae358b3e01a2e"
    "f40aab27e2fc0f1b228730d531a59cb0e791b39ff7c88a19356d27f4a666a6d0"
    "e26c6487326b4cd4512ac5cd65681ce1b6aff4a831852a82a7cf3c521c3c09aa"
    "9f94d6af56971f1ffce3e82389857db080c5df10ac7ace87666d807afea85feb";
inline constexpr std::string_view kQHex =
    "265eaec7c2958ff69971846636b4195e905b0338672d20986fa6b8d62cf8068b"
    "bd02aac9f8bf03c6c8a1cc354c69672c39e46ce7fdf222864d5b49fd2999a9b4"
    "389b1921cc9ad335144ab173595a07386dabfd2a0c614aa0a9f3cf14870f026a"
    "a7e535abd5a5c7c7ff38fa08e2615f6c203177c42b1eb3a1d99b601ebfaa17fb";
inline constexpr std::string_view kPxHex =
    "53fc09ee332c29ad0a7990053ed9b52a2b1a2fd60aec69c698b2f204b6ff7cbf"
    "b5edb6c0f6ce2308ab10db9030b09e1043d5f22cdb9dfa55718bd9e7406ce890"
    "9760af765dd5bccb337c86548b72f2e1a702c3397a60de74a7c1514dba66910d"
    "d5cfb4cc80728d87ee9163a5b63f73ec80ec46c4967e0979880dc8abeae63895";
inline constexpr std::string_view kPyHex =
    "0a8249063f6009f1f9f1f0533634a135d3e82016029906963d778d821e141178"
    "f5ea69f4654ec2b9e7f7f5e5f0de55f66b598ccf9a140b2e416cff0ca9e032b9"
    "70dae117ad547c6ccad696b5b7652fe0ac6f1e80164aa989492d979fc5a4d5f2"
    "13515ad7e9cb99a980bdad5ad5bb4636adb9b5706a67dcde75573fd71bef16d7";
// g = <P,P> as its F_p representative.
inline constexpr std::string_view kGHex =
    "66fc2a432b6ea392148f15867d623068c6a87bd1fb94c41e27fabe658e015a87"
    "371e94744c96feda449ae9563f8bc446cbfda85d5d00ef577072da8f541721be"
    "ee0faed1828eab90b99dfb0138c7843355df0460b4a9fd74b4f1a32bcafa1ffa"
    "d682c033a7942bcce3720f20b9b7b0403c8cae87b7a0042acde0fab36461ea46";

}  // namespace kb::crypto::sakke
