// libpcap file format: the tap's records read back, split, truncated and damaged files.
#include "capture/pcap_tap.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace kb::capture {
namespace {

Bytes ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

class PcapTapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kb-pcap-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "capture.pcap").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  std::string path_;
};

const Address kA{{127, 0, 0, 1}, 5060};
const Address kB{{127, 0, 0, 2}, 5070};

TEST_F(PcapTapTest, UdpAndTcpRecordsReadBack) {
  auto tap = PcapTap::Open(path_);
  ASSERT_TRUE(tap) << tap.error().ToString();
  (*tap)->Record(Protocol::kUdp, kA, kB, ToBytes("MESSAGE sip:x SIP/2.0\r\n\r\n"));
  (*tap)->Record(Protocol::kTcp, kB, kA, ToBytes("abc"));
  (*tap)->Record(Protocol::kTcp, kB, kA, ToBytes("defg"));

  Bytes file = ReadFile(path_);
  // Big-endian magic, version 2.4, LINKTYPE_IPV4.
  ASSERT_GE(file.size(), 24u);
  EXPECT_EQ(file[0], 0xa1);
  EXPECT_EQ(file[23], kLinktypeIpv4);
  auto packets = ReadCapture(file);
  ASSERT_TRUE(packets) << packets.error().ToString();
  ASSERT_EQ(packets->size(), 3u);
  EXPECT_EQ((*packets)[0].protocol, Protocol::kUdp);
  EXPECT_EQ((*packets)[0].from, kA);
  EXPECT_EQ((*packets)[0].to, kB);
  EXPECT_EQ((*packets)[0].payload, ToBytes("MESSAGE sip:x SIP/2.0\r\n\r\n"));
  EXPECT_EQ((*packets)[1].protocol, Protocol::kTcp);
  EXPECT_EQ((*packets)[2].payload, ToBytes("defg"));

  // The second TCP segment continues the first one's sequence numbers (offset 4 of the TCP
  // header, after the 16-octet record header and the 20-octet IPv4 header).
  size_t first_udp = std::string_view("MESSAGE sip:x SIP/2.0\r\n\r\n").size();
  size_t second = 24 + (16 + 20 + 8 + first_udp) + (16 + 20 + 20 + 3);
  size_t seq_at = second + 16 + 20 + 4;
  uint32_t seq = static_cast<uint32_t>(file[seq_at] << 24 | file[seq_at + 1] << 16 |
                                       file[seq_at + 2] << 8 | file[seq_at + 3]);
  EXPECT_EQ(seq, 3u);
}

TEST_F(PcapTapTest, Ipv4HeaderChecksumIsValid) {
  auto tap = PcapTap::Open(path_);
  ASSERT_TRUE(tap);
  (*tap)->Record(Protocol::kUdp, kA, kB, ToBytes("x"));
  Bytes file = ReadFile(path_);
  ByteView ip = ByteView(file).subspan(24 + 16, 20);
  uint32_t sum = 0;
  for (size_t i = 0; i < ip.size(); i += 2) sum += static_cast<uint32_t>(ip[i] << 8 | ip[i + 1]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  EXPECT_EQ(sum, 0xffffu);
}

TEST_F(PcapTapTest, LargeTcpSendsAreSplitAndReassemble) {
  auto tap = PcapTap::Open(path_);
  ASSERT_TRUE(tap);
  Bytes big(kMaxRecordedPayload * 2 + 17, 0x5a);
  (*tap)->Record(Protocol::kTcp, kA, kB, big);
  auto packets = ReadCapture(ReadFile(path_));
  ASSERT_TRUE(packets);
  ASSERT_EQ(packets->size(), 3u);
  Bytes joined;
  for (const auto& p : *packets) joined.insert(joined.end(), p.payload.begin(), p.payload.end());
  EXPECT_EQ(joined, big);
}

TEST_F(PcapTapTest, SecondOpenAppendsWithoutSecondHeader) {
  {
    auto tap = PcapTap::Open(path_);
    ASSERT_TRUE(tap);
    (*tap)->Record(Protocol::kUdp, kA, kB, ToBytes("one"));
  }
  {
    auto tap = PcapTap::Open(path_);
    ASSERT_TRUE(tap);
    (*tap)->Record(Protocol::kUdp, kB, kA, ToBytes("two"));
  }
  auto packets = ReadCapture(ReadFile(path_));
  ASSERT_TRUE(packets) << packets.error().ToString();
  ASSERT_EQ(packets->size(), 2u);
  EXPECT_EQ((*packets)[1].payload, ToBytes("two"));
}

TEST_F(PcapTapTest, GlobalTapRecordsOnlyWhenSet) {
  Capture(Protocol::kUdp, "127.0.0.1", 1, "127.0.0.1", 2, ToBytes("lost"));
  auto tap = PcapTap::Open(path_);
  ASSERT_TRUE(tap);
  SetGlobalTap(std::shared_ptr<PcapTap>(std::move(*tap)));
  Capture(Protocol::kUdp, "127.0.0.1", 1, "127.0.0.1", 2, ToBytes("kept"));
  Capture(Protocol::kUdp, "::1", 1, "::1", 2, ToBytes("ipv6 is skipped"));
  SetGlobalTap(nullptr);
  Capture(Protocol::kUdp, "127.0.0.1", 1, "127.0.0.1", 2, ToBytes("after"));
  auto packets = ReadCapture(ReadFile(path_));
  ASSERT_TRUE(packets);
  ASSERT_EQ(packets->size(), 1u);
  EXPECT_EQ((*packets)[0].payload, ToBytes("kept"));
}

TEST(PcapReadTest, TruncatedAndForeignFilesAreRefused) {
  EXPECT_FALSE(ReadCapture(Bytes{0xa1, 0xb2}));
  Bytes not_pcap(24, 0);
  EXPECT_FALSE(ReadCapture(not_pcap));
  Bytes header = {0xa1, 0xb2, 0xc3, 0xd4, 0, 2, 0,    4,    0, 0, 0, 0,
                  0,    0,    0,    0,    0, 0, 0xff, 0xff, 0, 0, 0, 228};
  EXPECT_TRUE(ReadCapture(header));
  Bytes cut = header;
  for (int b : {0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 40, 0, 0, 0, 40, 0x45}) {
    cut.push_back(static_cast<uint8_t>(b));
  }
  auto r = ReadCapture(cut);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kTruncated);
}

TEST(ParseIpv4Test, AcceptsDottedQuadsOnly) {
  EXPECT_TRUE(ParseIpv4("127.0.0.1"));
  EXPECT_FALSE(ParseIpv4("127.0.0"));
  EXPECT_FALSE(ParseIpv4("127.0.0.256"));
  EXPECT_FALSE(ParseIpv4("::1"));
  EXPECT_FALSE(ParseIpv4("1.2.3.4 "));
}

}  // namespace
}  // namespace kb::capture
