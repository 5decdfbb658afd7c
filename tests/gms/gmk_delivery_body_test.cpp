// keybridge GMK delivery body (docs/gms.md "Delivery"): round trip and refusals.
#include "gms/gmk_delivery_body.h"

#include <gtest/gtest.h>

namespace kb::gms {
namespace {

KeyDelivery Sample() {
  return {"sip:fire@example.org", "sip:alice@example.org", 0x0abc1234, 0x0def5678, 7,
          Bytes(300, 0x42)};
}

TEST(GmkDeliveryBody, RoundTrip) {
  std::string body = EncodeGmkDelivery(Sample());
  EXPECT_NE(body.find("gmk-id: 0abc1234\r\n"), std::string::npos);
  EXPECT_NE(body.find("key-mgmt: mikey QkJC"), std::string::npos);
  auto back = DecodeGmkDelivery(body);
  ASSERT_TRUE(back) << back.error().ToString();
  EXPECT_EQ(*back, Sample());
}

TEST(GmkDeliveryBody, Refusals) {
  std::string good = EncodeGmkDelivery(Sample());
  auto without = [&](std::string_view name) {
    std::string b = good;
    size_t p = b.find(std::string(name) + ": ");
    b.erase(p, b.find("\r\n", p) + 2 - p);
    return b;
  };
  for (const char* n : {"group-id", "recipient", "gmk-id", "guk-id", "revision", "key-mgmt"}) {
    auto r = DecodeGmkDelivery(without(n));
    ASSERT_FALSE(r) << n;
    EXPECT_NE(r.error().message().find(n), std::string::npos);
  }
  std::string bad_id = good;
  bad_id.replace(bad_id.find("0abc1234"), 8, "0abc12");
  EXPECT_FALSE(DecodeGmkDelivery(bad_id));
  std::string bad_rev = good;
  bad_rev.replace(bad_rev.find("revision: 7"), 11, "revision: x");
  EXPECT_FALSE(DecodeGmkDelivery(bad_rev));
  std::string other = good;
  other.replace(other.find("mikey "), 6, "sdes  ");
  EXPECT_FALSE(DecodeGmkDelivery(other));
  EXPECT_FALSE(DecodeGmkDelivery("no colon here"));
  EXPECT_FALSE(DecodeGmkDelivery(std::string(9000, 'a')));
}

}  // namespace
}  // namespace kb::gms
