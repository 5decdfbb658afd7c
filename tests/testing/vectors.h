// Loads the shared JSON test vectors (../shared/vectors/) for the tests, by file name.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "core/bytes.h"
#include "core/encoding.h"

namespace kb::testing {

// The directory of the shared vectors: $KB_VECTORS_DIR, else the one CMake was configured with.
inline std::string VectorsDir() {
  if (const char* env = std::getenv("KB_VECTORS_DIR")) return env;
  return KB_VECTORS_DIR;
}

// Parses ../shared/vectors/<file>; fails the test (with the path) if it cannot be read.
inline nlohmann::json LoadVectors(const std::string& file) {
  std::string path = VectorsDir() + "/" + file;
  std::ifstream in(path);
  if (!in) {
    ADD_FAILURE() << "cannot open test vectors " << path
                  << " (set KB_VECTORS_DIR to the shared/vectors directory)";
    return nlohmann::json::object({{"vectors", nlohmann::json::array()}});
  }
  return nlohmann::json::parse(in);
}

// The vector called name in a vectors file.
inline nlohmann::json FindVector(const nlohmann::json& doc, const std::string& name) {
  for (const auto& v : doc.at("vectors")) {
    if (v.value("name", "") == name) return v;
  }
  ADD_FAILURE() << "no vector named " << name;
  return nlohmann::json::object();
}

// Hex string to bytes; fails the test on bad hex.
inline Bytes Hex(const std::string& hex) {
  auto r = FromHex(hex);
  if (!r) {
    ADD_FAILURE() << r.error().ToString();
    return {};
  }
  return *r;
}

inline Bytes Hex(const nlohmann::json& j) { return Hex(j.get<std::string>()); }
inline Bytes Hex(const char* hex) { return Hex(std::string(hex)); }

}  // namespace kb::testing
