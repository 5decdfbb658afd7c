// Benchmarks of the SIP adapter: parse and serialise of a TS 29.379-style MESSAGE with a
// multipart/mixed body (mcptt-info XML + interworking-data), and multipart building/splitting.
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "net/sip_message.h"
#include "net/sip_multipart.h"

namespace {

std::string SampleMessage() {
  auto m = kb::net::SipMessage::Request("MESSAGE", "sip:bob@example.org");
  (void)m.AddHeader("Via", "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKa1b2c3d4;rport");
  (void)m.AddHeader("Max-Forwards", "70");
  (void)m.AddHeader("From", "<sip:iwf@example.org>;tag=77aa");
  (void)m.AddHeader("To", "<sip:bob@example.org>");
  (void)m.AddHeader("Call-ID", "5f1c0d9e8a7b@example.org");
  (void)m.AddHeader("CSeq", "1 MESSAGE");
  (void)m.AddHeader("Accept-Contact", "*;+g.3gpp.mcptt;require;explicit");
  (void)m.AddHeader("P-Asserted-Service", "urn:urn-7:3gpp-service.ims.icsi.mcptt");
  std::vector<kb::net::BodyPart> parts = {
      {"application/vnd.3gpp.mcptt-info+xml",
       kb::ToBytes("<?xml version=\"1.0\"?><mcpttinfo><mcptt-Params><mcptt-request-uri>"
                   "<mcpttURI>sip:bob@example.org</mcpttURI></mcptt-request-uri></mcptt-Params>"
                   "</mcpttinfo>")},
      {"application/vnd.3gpp.interworking-data", kb::Bytes(300, 0x5a)}};  // a KMM-sized payload
  (void)kb::net::SetMultipartBody(m, parts);
  return *m.Serialise();
}

void BM_SipMessageParseSerialise(benchmark::State& state) {
  std::string wire = SampleMessage();
  for (auto _ : state) {
    auto m = kb::net::SipMessage::Parse(wire);
    if (!m) std::abort();
    auto out = m->Serialise();
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * wire.size()));
}
BENCHMARK(BM_SipMessageParseSerialise);

void BM_SipMessageParseAndSplit(benchmark::State& state) {
  std::string wire = SampleMessage();
  for (auto _ : state) {
    auto m = kb::net::SipMessage::Parse(wire);
    if (!m) std::abort();
    auto parts = kb::net::BodyParts(*m);
    benchmark::DoNotOptimize(parts);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_SipMessageParseAndSplit);

}  // namespace
