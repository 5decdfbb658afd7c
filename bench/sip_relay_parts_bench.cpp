// RFC 3261 / TS 23.283 10.12 relay hot path, piece by piece (no network): parsing the relayed
// MESSAGE and its 2xx, splitting the multipart body, decoding it, printing a status answer.
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "mc_endpoint/security_message_sip.h"
#include "net/sip_message.h"
#include "net/sip_multipart.h"

namespace {

// A MESSAGE as the relay receives it from a client (64-octet payload, as the relay benchmark).
std::string RelayedMessage() {
  kb::mc::MessageId id{};
  id[15] = 1;
  auto parts = kb::mc_endpoint::BuildSecurityMessageBody(
      {"sip:iwf@example.org", "sip:alice@example.org"},
      kb::mc::SecurityMessageRequest{"sip:alice@example.org", "sip:iwf@example.org",
                                     kb::mc::LmrType::kP25, kb::Bytes(64, 0x5a), id});
  if (!parts) std::abort();
  auto text = kb::net::MultipartBodyText(*parts);
  if (!text) std::abort();
  return "MESSAGE sip:iwf@example.org SIP/2.0\r\n"
         "Via: SIP/2.0/TCP 127.0.0.1:40000;branch=z9hG4bKa1b2c3d4e5f60718;rport\r\n"
         "From: <sip:alice@example.org>;tag=1a2b3c4d5e6f\r\n"
         "To: <sip:iwf@example.org>\r\n"
         "Call-ID: 0a1b2c3d4e5f60718293a4b5@example.org\r\n"
         "CSeq: 1 MESSAGE\r\n"
         "Max-Forwards: 70\r\n"
         "User-Agent: keybridge\r\n"
         "Content-Type: " +
         text->content_type + "\r\nContent-Length: " + std::to_string(text->body.size()) +
         "\r\n\r\n" + text->body;
}

const char* kOk =
    "SIP/2.0 200 OK\r\n"
    "Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bKa1b2c3d4e5f60718;rport=5060;"
    "received=127.0.0.1\r\n"
    "From: <sip:alice@example.org>;tag=1a2b3c4d5e6f\r\n"
    "To: <sip:iwf@example.org>;tag=99aa88bb77cc\r\n"
    "Call-ID: 0a1b2c3d4e5f60718293a4b5@example.org\r\n"
    "CSeq: 1 MESSAGE\r\n"
    "Content-Length: 0\r\n\r\n";

void BM_RelayParseMessage(benchmark::State& state) {
  std::string wire = RelayedMessage();
  for (auto _ : state) {
    auto m = kb::net::SipMessage::Parse(wire);
    if (!m) std::abort();
    benchmark::DoNotOptimize(m);
  }
  state.SetLabel(std::to_string(wire.size()) + " octets");
}
BENCHMARK(BM_RelayParseMessage);

void BM_RelayBodyParts(benchmark::State& state) {
  auto m = kb::net::SipMessage::Parse(RelayedMessage());
  if (!m) std::abort();
  for (auto _ : state) {
    auto parts = kb::net::BodyParts(*m);
    if (!parts || parts->size() != 2) std::abort();
    benchmark::DoNotOptimize(parts);
  }
}
BENCHMARK(BM_RelayBodyParts);

void BM_RelayDecodeBody(benchmark::State& state) {
  auto m = kb::net::SipMessage::Parse(RelayedMessage());
  if (!m) std::abort();
  auto parts = kb::net::BodyParts(*m);
  if (!parts) std::abort();
  for (auto _ : state) {
    auto body = kb::mc_endpoint::ParseMessageBody(*parts);
    if (!body) std::abort();
    benchmark::DoNotOptimize(body);
  }
}
BENCHMARK(BM_RelayDecodeBody);

void BM_RelayParseOk(benchmark::State& state) {
  for (auto _ : state) {
    auto m = kb::net::SipMessage::Parse(kOk);
    if (!m) std::abort();
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_RelayParseOk);

void BM_RelayResponseText(benchmark::State& state) {
  auto m = kb::net::SipMessage::Parse(RelayedMessage());
  if (!m) std::abort();
  m->StampTopVia("127.0.0.1", 40000);
  for (auto _ : state) {
    auto r = kb::net::SipMessage::ResponseText(*m, 200, "OK: delivered");
    if (!r) std::abort();
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_RelayResponseText);

}  // namespace
