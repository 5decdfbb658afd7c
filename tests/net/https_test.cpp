// RFC 9110 over RFC 8446: the HTTPS adapter on real sockets (127.0.0.1, ephemeral ports).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "net/http_client.h"
#include "net/http_server.h"
#include "net/http_url.h"
#include "net/tls_identity.h"

namespace kb::net {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "kb-net-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

HttpRouter EchoRouter() {
  HttpRouter router;
  router.Add("GET", "/hello", [](const HttpRequest&) { return TextResponse(200, "hello\n"); });
  router.Add("POST", "/echo", [](const HttpRequest& r) {
    HttpResponse out(200, "application/octet-stream", r.body);
    out.headers["x-auth"] = r.Header("authorization");
    return out;
  });
  router.AddPrefix("POST", "/items/",
                   [](const HttpRequest& r) { return TextResponse(200, "prefix " + r.path); });
  router.Add("POST", "/items/special",
             [](const HttpRequest&) { return TextResponse(200, "exact"); });
  return router;
}

struct Fixture : ::testing::Test {
  TempDir dir;
  TlsIdentity identity;
  std::unique_ptr<HttpsServer> server;
  HttpsClientOptions client;

  void StartServer(std::vector<std::string> names = {"localhost", "127.0.0.1"},
                   size_t max_body = 64 * 1024,
                   std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    auto id = LoadOrCreateSelfSigned(dir.path() / "server", names);
    ASSERT_TRUE(id) << id.error().ToString();
    identity = *id;
    HttpsServerOptions options;
    options.identity = identity;
    options.max_body_bytes = max_body;
    options.timeout = timeout;
    options.threads = 2;
    auto s = HttpsServer::Start(options, EchoRouter());
    ASSERT_TRUE(s) << s.error().ToString();
    server = std::move(*s);
    client.ca_file = identity.cert_file;
  }
  std::string Url(std::string_view path, std::string_view host = "127.0.0.1") const {
    return "https://" + std::string(host) + ":" + std::to_string(server->port()) +
           std::string(path);
  }
};

TEST_F(Fixture, GetAndPostRoundTrip) {
  StartServer();
  auto r = HttpsRequest(client, "GET", Url("/hello"));
  ASSERT_TRUE(r) << r.error().ToString();
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->body, "hello\n");
  EXPECT_EQ(r->content_type, "text/plain; charset=utf-8");
  auto e = HttpsRequest(client, "POST", Url("/echo", "localhost"), std::string(1000, 'x'),
                        "text/plain", {{"Authorization", "Bearer abc"}});
  ASSERT_TRUE(e) << e.error().ToString();
  EXPECT_EQ(e->body, std::string(1000, 'x'));
  EXPECT_EQ(e->Header("x-auth"), "Bearer abc");
}

TEST_F(Fixture, RoutingByMethodAndPath) {
  StartServer();
  auto r = HttpsRequest(client, "GET", Url("/nowhere"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404u);
  r = HttpsRequest(client, "POST", Url("/hello"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405u);
  r = HttpsRequest(client, "POST", Url("/items/a%40b"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "prefix /items/a%40b");
  r = HttpsRequest(client, "POST", Url("/items/special"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "exact");
}

TEST_F(Fixture, OversizedBodyIsRefused) {
  StartServer({"127.0.0.1"}, 1024);
  auto r = HttpsRequest(client, "POST", Url("/echo"), std::string(4096, 'y'));
  // Either a 413 arrives or the server closes while the client is still writing.
  if (r) {
    EXPECT_EQ(r->status, 413u);
  } else {
    EXPECT_EQ(r.error().kind(), ErrorKind::kIo);
  }
}

TEST_F(Fixture, UntrustedServerIsRefused) {
  StartServer();
  // Another self-signed certificate as the only trust anchor.
  auto other = LoadOrCreateSelfSigned(dir.path() / "other", {"127.0.0.1"});
  ASSERT_TRUE(other);
  HttpsClientOptions c = client;
  c.ca_file = other->cert_file;
  auto r = HttpsRequest(c, "GET", Url("/hello"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kCryptoFailure) << r.error().ToString();
}

TEST_F(Fixture, HostNameMismatchIsRefused) {
  StartServer({"kms.example.org"});
  auto r = HttpsRequest(client, "GET", Url("/hello"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kCryptoFailure) << r.error().ToString();
}

TEST_F(Fixture, MissingCaFileIsRefused) {
  StartServer();
  HttpsClientOptions c;
  c.ca_file = dir.path() / "none.pem";
  auto r = HttpsRequest(c, "GET", Url("/hello"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kInvalidArgument);
}

TEST_F(Fixture, IdleConnectionIsClosedAfterTimeout) {
  StartServer({"127.0.0.1"}, 1024, std::chrono::milliseconds(200));
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(server->port());
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  timeval tv{3, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[16];
  // Nothing sent: the server gives up on the handshake and closes (read returns 0 or an error
  // other than a receive timeout).
  ssize_t n = read(fd, buf, sizeof buf);
  int err = errno;
  EXPECT_TRUE(n == 0 || (n < 0 && err != EAGAIN && err != EWOULDBLOCK));
  close(fd);
}

TEST_F(Fixture, StopIsCleanAndIdempotent) {
  StartServer();
  uint16_t port = server->port();
  server->Stop();
  server->Stop();
  HttpsClientOptions c = client;
  c.timeout = std::chrono::milliseconds(1000);
  auto r = HttpsRequest(c, "GET", "https://127.0.0.1:" + std::to_string(port) + "/hello");
  EXPECT_FALSE(r);
}

TEST_F(Fixture, TlsIdentityIsMadeOnceWithPrivateKeyFile) {
  auto a = LoadOrCreateSelfSigned(dir.path() / "id", {"localhost"});
  ASSERT_TRUE(a);
  struct stat st {};
  ASSERT_EQ(stat(a->key_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ifstream f1(a->cert_file);
  std::string first((std::istreambuf_iterator<char>(f1)), {});
  auto b = LoadOrCreateSelfSigned(dir.path() / "id", {"localhost"});
  ASSERT_TRUE(b);
  std::ifstream f2(b->cert_file);
  std::string second((std::istreambuf_iterator<char>(f2)), {});
  EXPECT_EQ(first, second);
  chmod(a->key_file.c_str(), 0644);
  auto c = LoadOrCreateSelfSigned(dir.path() / "id", {"localhost"});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind(), ErrorKind::kUnauthorised);
}

TEST(HttpUrl, ParsesAndRefuses) {
  auto u = ParseHttpsUrl("https://kms.example.org:8443/keymanagement/identity/v1/init?x=1");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "kms.example.org");
  EXPECT_EQ(u->port, 8443);
  EXPECT_EQ(u->target, "/keymanagement/identity/v1/init?x=1");
  u = ParseHttpsUrl("https://[::1]");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->target, "/");
  EXPECT_FALSE(ParseHttpsUrl("http://a/"));
  EXPECT_FALSE(ParseHttpsUrl("https://user@a/"));
  EXPECT_FALSE(ParseHttpsUrl("https://a:99999/"));
  EXPECT_FALSE(ParseHttpsUrl("https://a:/"));
  EXPECT_FALSE(ParseHttpsUrl("https://a/#frag"));
}

TEST(HttpUrl, PercentCodingAndForms) {
  EXPECT_EQ(PercentEncode("sip:alice@example.org"), "sip%3Aalice%40example.org");
  EXPECT_EQ(*PercentDecode("sip%3Aalice%40example.org"), "sip:alice@example.org");
  auto bad = PercentDecode("ab%4", "path");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("offset 2"), std::string::npos);
  EXPECT_FALSE(PercentDecode("%zz"));
  auto form = ParseForm("username=sip%3Aa%40b&password=p+w%2B&x");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->at("username"), "sip:a@b");
  EXPECT_EQ(form->at("password"), "p w+");
  EXPECT_EQ(form->at("x"), "");
}

}  // namespace
}  // namespace kb::net
