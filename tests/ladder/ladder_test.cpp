// keybridge ladder: messages built with the real encoders (security_message_sip, the DLI
// preamble, the KMM codec), written with the pcap tap, read back and decoded; truncated and
// garbage packets; no key value in any output.
#include "ladder/ladder.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/encoding.h"
#include "iwf/dli_preamble.h"
#include "ladder/kmm_summary.h"
#include "ladder/message_summary.h"
#include "mc_endpoint/security_message_sip.h"
#include "net/sip_message.h"
#include "net/sip_multipart.h"
#include "p25/key_wrap.h"
#include "p25/kmm.h"
#include "p25/kmm_mac.h"

namespace kb::ladder {
namespace {

const capture::Address kKmf{{127, 0, 0, 1}, 49644};
const capture::Address kIwfDli{{127, 0, 0, 1}, 64414};
const capture::Address kIwfSip{{127, 0, 0, 1}, 5070};
const capture::Address kMcServer{{127, 0, 0, 1}, 5060};
const capture::Address kAliceEphemeral{{127, 0, 0, 1}, 40001};
const capture::Address kIdms{{127, 0, 0, 1}, 8443};
const capture::Address kHttpClient{{127, 0, 0, 1}, 40002};

// Key values that must never appear in any output.
const char* kUkekHex = "2a1938cd0b6b6bd0b7745692fe1914f03876612fc29d577789a62f65fa05ef83";
const char* kTekHex = "494002bf163132a421fbef117f985a0caaddc250a4c21947d593e6c067de402c";

SecretBytes Key(const char* hex) { return SecretBytes::Adopt(*FromHex(hex, "key")); }

NodeDirectory Directory() {
  NodeDirectory d;
  d.by_address = {
      {kKmf, "kmf"}, {kIwfDli, "iwf"}, {kIwfSip, "iwf"}, {kMcServer, "mc-server"}, {kIdms, "idms"}};
  d.by_identity = {{"sip:alice@example.org", "alice"}, {"sip:iwf@example.org", "iwf"}};
  return d;
}

// A Rekey-Command from the KMF (9999999) to unit 1001: TEK KID 0x4983 SLN 1 in keyset 1,
// wrapped and CMAC'd under the UKEK (KID 0x50BC), MN 7.
Bytes RekeyCommandKmm() {
  SecretBytes ukek = Key(kUkekHex);
  auto wrapped = p25::WrapKey(ukek, Key(kTekHex));
  EXPECT_TRUE(wrapped);
  p25::RekeyCommand c;
  c.decryption = {0x84, 0x50BC, std::nullopt};
  p25::KeysetItem ks{0x00, 1, 0x84, static_cast<uint8_t>(wrapped->size()), {}};
  ks.keys.push_back(p25::KeyItem{0x00, 1, 0x4983, SecretBytes::Adopt(std::move(*wrapped))});
  c.keysets.push_back(std::move(ks));
  p25::KmmHeader h;
  h.response_kind = p25::ResponseKind::kImmediate;
  h.destination_rsi = 1001;
  h.source_rsi = 9999999;
  h.message_number = 7;
  auto kmm = p25::EncodeSignedKmm(p25::Kmm{h, std::move(c), std::nullopt}, p25::MacFormat::kCmac,
                                  0x50BC, ukek);
  EXPECT_TRUE(kmm);
  return *kmm;
}

// A Modify-Key-Command carrying the TEK in the clear (KEK ALGID 0x80), as a keyloader sends it.
Bytes ClearModifyKeyKmm() {
  p25::ModifyKeyCommand c;
  c.decryption = {0x80, 0, std::nullopt};
  c.keyset_id = 2;
  c.algid = 0x84;
  c.key_length = 32;
  c.keys.push_back(p25::KeyItem{0x00, 3, 0x1234, Key(kTekHex)});
  p25::KmmHeader h;
  h.destination_rsi = 1001;
  h.source_rsi = 9999999;
  auto kmm = p25::Kmm{h, std::move(c), std::nullopt}.Encode();
  EXPECT_TRUE(kmm);
  return *kmm;
}

Bytes RekeyAckKmm() {
  p25::RekeyAcknowledgment a;
  a.items.push_back({0x84, 0x4983, p25::OperationStatus::kCommandPerformed});
  p25::KmmHeader h;
  h.destination_rsi = 9999999;
  h.source_rsi = 1001;
  h.message_number = 7;
  auto kmm = p25::Kmm{h, a, std::nullopt}.Encode();
  EXPECT_TRUE(kmm);
  return *kmm;
}

net::SipMessage Request(std::string_view method, std::string_view uri, std::string_view from,
                        const capture::Address& sent_by) {
  net::SipMessage m = net::SipMessage::Request(method, uri);
  EXPECT_TRUE(m.AddHeader("Via", fmt::format("SIP/2.0/UDP 127.0.0.1:{};branch=z9hG4bK{}",
                                             sent_by.port, net::RandomToken())));
  EXPECT_TRUE(m.AddHeader("From", fmt::format("<{}>;tag=1", from)));
  EXPECT_TRUE(m.AddHeader("To", fmt::format("<{}>", uri)));
  EXPECT_TRUE(m.AddHeader("Call-ID", net::RandomToken()));
  EXPECT_TRUE(m.AddHeader("CSeq", fmt::format("1 {}", method)));
  EXPECT_TRUE(m.AddHeader("Max-Forwards", "70"));
  return m;
}

std::string Wire(const net::SipMessage& m) {
  auto s = m.Serialise();
  EXPECT_TRUE(s);
  return *s;
}

// The security message request that carries `kmm` from the IWF to alice.
std::string SecurityMessageRequest(ByteView kmm) {
  net::SipMessage m = Request("MESSAGE", "sip:alice@example.org", "sip:iwf@example.org", kIwfSip);
  mc::SecurityMessageRequest r;
  r.mc_service_id = "sip:alice@example.org";
  r.lmr_security_fe_uri = "sip:iwf@example.org";
  r.lmr_type = mc::LmrType::kP25;
  r.payload = Bytes(kmm.begin(), kmm.end());
  auto parts =
      mc_endpoint::BuildSecurityMessageBody({"sip:alice@example.org", "sip:iwf@example.org"}, r);
  EXPECT_TRUE(parts);
  EXPECT_TRUE(net::SetMultipartBody(m, *parts));
  return Wire(m);
}

class LadderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kb-ladder-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto tap = capture::PcapTap::Open((dir_ / "c.pcap").string());
    ASSERT_TRUE(tap) << tap.error().ToString();
    tap_ = std::move(*tap);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Record(capture::Protocol p, const capture::Address& from, const capture::Address& to,
              ByteView payload) {
    tap_->RecordAt(t0_ + std::chrono::milliseconds(250 * n_++), p, from, to, payload);
  }
  void Record(capture::Protocol p, const capture::Address& from, const capture::Address& to,
              std::string_view text) {
    Record(p, from, to, AsBytes(text));
  }

  // Reads the file back and builds the ladder; checks that no key value appears anywhere.
  std::vector<LadderEntry> Ladder() {
    std::ifstream in(dir_ / "c.pcap", std::ios::binary);
    Bytes file((std::istreambuf_iterator<char>(in)), {});
    auto packets = capture::ReadCapture(file);
    EXPECT_TRUE(packets) << packets.error().ToString();
    if (!packets) return {};
    auto entries = BuildLadder(*packets, Directory());
    for (const auto& e : entries) {
      std::string all = FormatLadderLine(e) + LadderEntryJson(e).dump();
      EXPECT_EQ(all.find(kUkekHex), std::string::npos);
      EXPECT_EQ(all.find(kTekHex), std::string::npos);
      EXPECT_EQ(all.find(ToHex(*FromHex(kTekHex, "k")).substr(0, 16)), std::string::npos);
    }
    return entries;
  }

  std::filesystem::path dir_;
  std::unique_ptr<capture::PcapTap> tap_;
  std::chrono::system_clock::time_point t0_ = std::chrono::system_clock::now();
  int n_ = 0;
};

bool Has(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

TEST_F(LadderTest, DliRekeyAndSecurityMessageOverSip) {
  Bytes kmm = RekeyCommandKmm();
  Record(capture::Protocol::kUdp, kKmf, kIwfDli, iwf::EncodeDliDatagram(iwf::DliPreamble{}, kmm));
  Record(capture::Protocol::kUdp, kIwfSip, kMcServer, SecurityMessageRequest(kmm));
  auto e = Ladder();
  ASSERT_EQ(e.size(), 2u);

  EXPECT_EQ(e[0].kind, "dli");
  EXPECT_EQ(e[0].from_name, "kmf");
  EXPECT_EQ(e[0].to_name, "iwf");
  EXPECT_EQ(e[0].packet, 1u);
  EXPECT_DOUBLE_EQ(e[0].time, 0.0);
  EXPECT_TRUE(Has(e[0].text, "DLI Rekey-Command 9999999->1001 MN 7 MAC 0x84/0x50BC")) << e[0].text;
  EXPECT_TRUE(Has(e[0].text, "wrapped under KEK 0x84/0x50BC")) << e[0].text;
  EXPECT_TRUE(Has(e[0].text, "keyset 1 ALGID 0x84 SLN 1 KID 0x4983")) << e[0].text;
  auto j0 = LadderEntryJson(e[0]);
  EXPECT_EQ(j0["kmm"]["name"], "Rekey-Command");
  EXPECT_EQ(j0["kmm"]["message_number"], 7);
  EXPECT_EQ(j0["kmm"]["keys"][0]["kid"], "0x4983");
  EXPECT_EQ(j0["kmm"]["keys"][0]["sln"], 1);
  EXPECT_EQ(j0["preamble"]["algid"], "0x80");

  EXPECT_EQ(e[1].kind, "sip");
  EXPECT_EQ(e[1].from_name, "iwf");
  EXPECT_EQ(e[1].to_name, "mc-server");
  EXPECT_NEAR(e[1].time, 0.25, 0.001);
  EXPECT_TRUE(Has(e[1].text,
                  "MESSAGE sip:alice@example.org: security message request "
                  "(interworking-data), MC service ID sip:alice@example.org, P25 "
                  "Rekey-Command 9999999->1001 MN 7"))
      << e[1].text;
  auto j1 = LadderEntryJson(e[1]);
  EXPECT_EQ(j1["security_message"]["kind"], "request");
  EXPECT_EQ(j1["security_message"]["kmm"]["keys"][0]["kid"], "0x4983");
  EXPECT_EQ(j1["method"], "MESSAGE");
}

TEST_F(LadderTest, SdsCarrierResponsesAndEvents) {
  mc_endpoint::SdsSecurityMessage sds;
  sds.addressing = {"sip:iwf@example.org", "sip:alice@example.org"};
  sds.payload = RekeyAckKmm();
  sds.message_id[0] = 0xAB;
  auto parts = mc_endpoint::BuildSdsMessageBody(sds);
  ASSERT_TRUE(parts) << parts.error().ToString();
  net::SipMessage m =
      Request("MESSAGE", "sip:iwf@example.org", "sip:alice@example.org", kAliceEphemeral);
  ASSERT_TRUE(net::SetMultipartBody(m, *parts));
  Record(capture::Protocol::kUdp, kAliceEphemeral, kMcServer, Wire(m));
  auto ok = net::SipMessage::ResponseTo(m, 200, "OK");
  ASSERT_TRUE(ok);
  Record(capture::Protocol::kUdp, kMcServer, kAliceEphemeral, Wire(*ok));
  net::SipMessage sub =
      Request("SUBSCRIBE", "sip:cms@example.org", "sip:alice@example.org", kAliceEphemeral);
  ASSERT_TRUE(sub.AddHeader("Event", "xcap-diff"));
  ASSERT_TRUE(sub.AddHeader("Expires", "600"));
  Record(capture::Protocol::kUdp, kAliceEphemeral, kMcServer, Wire(sub));

  auto e = Ladder();
  ASSERT_EQ(e.size(), 3u);
  // alice's ephemeral address is named by the From URI of her request.
  EXPECT_EQ(e[0].from_name, "alice");
  EXPECT_TRUE(Has(e[0].text,
                  "SDS security message request (sds) sip:alice@example.org -> "
                  "sip:iwf@example.org, P25 Rekey-Acknowledgment 1001->9999999 MN 7: "
                  "acknowledges Rekey-Command; ALGID 0x84 KID 0x4983 status 0x00"))
      << e[0].text;
  EXPECT_EQ(e[1].to_name, "alice");
  EXPECT_EQ(e[1].text, "200 OK (MESSAGE)");
  EXPECT_EQ(LadderEntryJson(e[1])["status"], 200);
  EXPECT_TRUE(Has(e[2].text, "SUBSCRIBE sip:cms@example.org Event: xcap-diff Expires: 600"))
      << e[2].text;
  EXPECT_EQ(LadderEntryJson(e[2])["event"], "xcap-diff");
}

TEST_F(LadderTest, ClearKeysAndEncryptedPreambleNeverShowKeys) {
  Record(capture::Protocol::kUdp, kKmf, kIwfDli,
         iwf::EncodeDliDatagram(iwf::DliPreamble{}, ClearModifyKeyKmm()));
  iwf::DliPreamble enc;
  enc.algid = 0x84;
  enc.kid = 0x0101;
  enc.mi[0] = 1;
  Record(capture::Protocol::kUdp, kKmf, kIwfDli,
         iwf::EncodeDliDatagram(enc, ToBytes("ciphertext")));
  auto e = Ladder();  // checks that the TEK appears nowhere
  ASSERT_EQ(e.size(), 2u);
  EXPECT_TRUE(Has(e[0].text,
                  "Modify-Key-Command 9999999->1001: keys in clear; keyset 2 ALGID "
                  "0x84 SLN 3 KID 0x1234"))
      << e[0].text;
  EXPECT_EQ(e[1].text, "DLI encrypted KMM (ALGID 0x84 KID 0x0101, 10 octets)");
}

TEST_F(LadderTest, HttpOverTcpReassembledQueryOmitted) {
  std::string body = "[12-octet body redacted by keybridge capture]";
  std::string request =
      "POST /idms/login?password=hunter2 HTTP/1.1\r\nHost: idms\r\nContent-Type: "
      "application/json\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  Record(capture::Protocol::kTcp, kHttpClient, kIdms, request.substr(0, 30));
  Record(capture::Protocol::kTcp, kHttpClient, kIdms, request.substr(30));
  std::string response =
      "HTTP/1.1 200 OK\r\nContent-Type: application/xcap-diff+xml\r\nContent-Length: 5\r\n\r\n"
      "<x/>\n";
  // Two responses in one segment, the second cut short (the capture ends).
  Record(capture::Protocol::kTcp, kIdms, kHttpClient, response + response.substr(0, 20));
  auto e = Ladder();
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].packet, 2u);  // completed by the second segment
  EXPECT_EQ(e[0].to_name, "idms");
  EXPECT_EQ(e[0].text,
            "HTTP POST /idms/login?... (application/json, body redacted by the capture)");
  for (const auto& x : e) EXPECT_FALSE(Has(LadderEntryJson(x).dump(), "hunter2"));
  EXPECT_EQ(e[1].text, "HTTP 200 OK (application/xcap-diff+xml, 5 octets)");
  EXPECT_EQ(e[2].kind, "tcp");
  EXPECT_TRUE(Has(e[2].text, "incomplete message")) << e[2].text;
}

TEST_F(LadderTest, SipOverTcpSplitAndJoined) {
  net::SipMessage reg =
      Request("REGISTER", "sip:example.org", "sip:alice@example.org", kAliceEphemeral);
  ASSERT_TRUE(reg.AddHeader("Expires", "3600"));
  std::string wire = Wire(reg);
  auto r401 = net::SipMessage::ResponseTo(reg, 401, "Unauthorized");
  ASSERT_TRUE(r401);
  Record(capture::Protocol::kTcp, kAliceEphemeral, kMcServer, wire.substr(0, 17));
  Record(capture::Protocol::kTcp, kAliceEphemeral, kMcServer, wire.substr(17) + wire);
  Record(capture::Protocol::kTcp, kMcServer, kAliceEphemeral, Wire(*r401));
  auto e = Ladder();
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].text, "REGISTER sip:example.org Expires: 3600");
  EXPECT_EQ(e[0].packet, 2u);
  EXPECT_EQ(e[1].packet, 2u);
  EXPECT_EQ(e[0].from_name, "alice");
  EXPECT_EQ(e[2].text, "401 Unauthorized (REGISTER)");
  EXPECT_EQ(e[2].to_name, "alice");
}

TEST_F(LadderTest, GarbageAndTruncatedPacketsAreRefusedCleanly) {
  Bytes kmm = RekeyCommandKmm();
  Bytes dg = iwf::EncodeDliDatagram(iwf::DliPreamble{}, kmm);
  Record(capture::Protocol::kUdp, kKmf, kIwfDli, ByteView(dg).first(20));  // KMM cut short
  Record(capture::Protocol::kUdp, kKmf, kIwfDli, ByteView(dg).first(5));   // preamble cut short
  Record(capture::Protocol::kUdp, kKmf, kIwfDli, ToBytes("garbage that is not SIP"));
  Record(capture::Protocol::kTcp, kHttpClient, kIdms, ToBytes("\x01\x02 binary junk on TCP"));
  std::string sip = SecurityMessageRequest(kmm);
  Record(capture::Protocol::kUdp, kIwfSip, kMcServer, sip.substr(0, sip.size() - 40));
  Record(capture::Protocol::kUdp, kIwfSip, kMcServer, Bytes{});
  auto e = Ladder();
  ASSERT_EQ(e.size(), 6u);
  for (size_t i = 0; i < e.size(); ++i) {
    EXPECT_FALSE(e[i].error.empty()) << i << ": " << e[i].text;
    EXPECT_EQ(e[i].packet, i + 1);
    EXPECT_TRUE(LadderEntryJson(e[i]).contains("error"));
  }
  EXPECT_EQ(e[0].kind, "udp");
  EXPECT_TRUE(Has(e[0].text, "UDP 20 octets (not decoded")) << e[0].text;
  EXPECT_EQ(e[3].kind, "tcp");
}

// Every prefix of every message: each summariser refuses or succeeds, never crashes.
TEST(LadderSummaries, EveryTruncationIsHandled) {
  Bytes kmm = RekeyCommandKmm();
  Bytes dg = iwf::EncodeDliDatagram(iwf::DliPreamble{}, kmm);
  for (size_t n = 0; n <= dg.size(); ++n) {
    auto s = SummariseDli(ByteView(dg).first(n));
    if (n < dg.size()) {
      EXPECT_FALSE(s) << n;
    }
  }
  for (size_t n = 0; n <= kmm.size(); ++n) {
    auto s = SummariseKmm(ByteView(kmm).first(n));
    if (n < kmm.size()) {
      EXPECT_FALSE(s) << n;
    }
  }
  std::string sip = SecurityMessageRequest(kmm);
  for (size_t n = 0; n < sip.size(); n += 7) (void)SummariseSip(sip.substr(0, n));
  EXPECT_TRUE(SummariseSip(sip));
  std::string http = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
  for (size_t n = 0; n < http.size(); ++n) EXPECT_FALSE(SummariseHttp(http.substr(0, n))) << n;
  auto h = SummariseHttp(http);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->text, "HTTP 404 Not Found");
  EXPECT_FALSE(SummariseHttp("GET / FTP/1.0\r\n\r\n"));
  EXPECT_FALSE(SummariseHttp("HTTP/1.1 abc OK\r\n\r\n"));
}

TEST(LadderSummaries, EmptyCaptureAndUnknownBodies) {
  EXPECT_TRUE(BuildLadder({}, {}).empty());
  EXPECT_EQ(DescribeBody("Application/XCAP-Diff+xml; charset=utf-8", 12),
            "application/xcap-diff+xml, 12 octets");
  net::SipMessage m = Request("NOTIFY", "sip:alice@example.org", "sip:cms@example.org", kMcServer);
  ASSERT_TRUE(m.AddHeader("Event", "xcap-diff"));
  ASSERT_TRUE(m.AddHeader("Subscription-State", "active;expires=600"));
  ASSERT_TRUE(m.SetBody("application/xcap-diff+xml", AsBytes("<xcap-diff/>")));
  auto s = SummariseSip(Wire(m));
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ(s->text,
            "NOTIFY sip:alice@example.org Event: xcap-diff: application/xcap-diff+xml, 12 octets");
}

}  // namespace
}  // namespace kb::ladder
