// Integration tests of pw::registry::RegistryClient against the real loopback registry
// ($PIPEWRIGHT_TEST_REGISTRY, cicd/services-up) and, for retries and the bearer-token flow, a
// scripted HTTP server on a loopback socket. Images are pushed with the docker client into a
// repository unique to each test; results are checked with the curl CLI (not libcurl) through
// pw::proc. Without a registry or daemon the tests are skipped, unless CI=true or
// PIPEWRIGHT_REQUIRE_DOCKER=1, where that is a failure.

#include "registry/registry_client.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "proc/process.hpp"
#include "registry/credentials.hpp"
#include "registry/digest.hpp"
#include "support/test_env.hpp"

namespace pw::registry {
namespace {

using pw::test::adopt_state_environment;
using pw::test::docker_required;
using pw::test::env_or;
using pw::test::run_captured;

using namespace std::chrono_literals;

std::string registry_host() {
  return env_or("PIPEWRIGHT_TEST_REGISTRY", "127.0.0.1:5000");
}

/// The registry's own answer, through the curl CLI: the Docker-Content-Digest of a HEAD.
std::string curl_digest(const std::string& repository, const std::string& reference,
                        const std::string& accept) {
  const auto c =
      run_captured({"curl", "-sS", "-I", "-H", "Accept: " + accept,
                    "http://" + registry_host() + "/v2/" + repository + "/manifests/" + reference});
  std::istringstream in(c.out);
  for (std::string line; std::getline(in, line);) {
    if (line.size() > 23 && strncasecmp(line.c_str(), "docker-content-digest:", 22) == 0) {
      std::string value = line.substr(22);
      value.erase(0, value.find_first_not_of(' '));
      value.erase(value.find_last_not_of("\r ") + 1);
      return value;
    }
  }
  return "(no digest: " + c.out + c.err + ")";
}

/// HTTP status of a curl CLI request.
std::string curl_status(std::vector<std::string> args) {
  args.insert(args.begin(), {"curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}"});
  return run_captured(std::move(args)).out;
}

class RegistryClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    adopt_state_environment();
    problem_.clear();
    const auto v2 = run_captured({"curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                                  "--max-time", "5", "http://" + registry_host() + "/v2/"});
    if (v2.out != "200") {
      problem_ = "no registry answers http://" + registry_host() + "/v2/ (" + v2.out + v2.err + ")";
      return;
    }
    const auto version = run_captured({"docker", "version", "--format", "{{.Server.Version}}"});
    if (!version.status.ok()) {
      problem_ = "no Docker daemon answers: " + version.err;
    }
  }

  void SetUp() override {
    if (!problem_.empty()) {
      if (docker_required()) {
        FAIL() << problem_;
      }
      GTEST_SKIP() << problem_;
    }
    static std::atomic<int> counter{0};
    std::random_device random;
    id_ = "rc-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + "-" +
          std::to_string(random() % 100000);
    repository_ = "pipewright-test/" + id_;
    RegistryClientOptions options;
    options.transport = Transport::insecure_http;
    options.retry = RetryPolicy{3, 20ms, 200ms};
    auto client = RegistryClient::create(registry_host(), options);
    ASSERT_TRUE(client) << client.error().message;
    client_.emplace(std::move(client).value());
  }

  void TearDown() override {
    for (const auto& ref : local_images_) {
      run_captured({"docker", "image", "rm", "-f", ref});
    }
    for (const auto& [repository, digest] : pushed_) {
      curl_status({"-X", "DELETE",
                   "http://" + registry_host() + "/v2/" + repository + "/manifests/" + digest});
    }
  }

  /// Builds a small unique image FROM the busybox base and pushes it as repository_:tag;
  /// returns the pushed digest as docker reports it.
  std::string push_image(const std::string& tag) {
    const std::string ref = registry_host() + "/" + repository_ + ":" + tag;
    const auto dir = std::filesystem::temp_directory_path() / ("pw-" + id_);
    std::filesystem::create_directories(dir);
    {
      std::ofstream(dir / "id") << id_ << "\n";
      std::ofstream(dir / "Dockerfile")
          << "FROM " << env_or("PIPEWRIGHT_BUSYBOX_IMAGE", "pipewright-test/busybox:latest")
          << "\nCOPY id /id\n";
    }
    const auto built = run_captured({"docker", "build", "-q", "-t", ref, dir.string()});
    std::filesystem::remove_all(dir);
    EXPECT_TRUE(built.status.ok()) << built.err;
    local_images_.push_back(ref);
    const auto pushed = run_captured({"docker", "push", ref});
    EXPECT_TRUE(pushed.status.ok()) << pushed.out << pushed.err;
    const auto inspect =
        run_captured({"docker", "inspect", "--format", "{{index .RepoDigests 0}}", ref});
    std::string digest = inspect.out.substr(inspect.out.find('@') + 1);
    EXPECT_TRUE(digest.rfind("sha256:", 0) == 0) << inspect.out << inspect.err;
    pushed_.emplace_back(repository_, digest);
    return digest;
  }

  static inline std::string problem_;
  std::string id_;
  std::string repository_;
  std::optional<RegistryClient> client_;
  std::vector<std::string> local_images_;
  std::vector<std::pair<std::string, std::string>> pushed_;
};

TEST_F(RegistryClientTest, GetManifestByTagAndDigestVerifiesTheDigest) {
  const std::string digest = push_image("src");
  auto by_tag = client_->get_manifest(repository_, "src");
  ASSERT_TRUE(by_tag) << by_tag.error().message;
  EXPECT_EQ(by_tag.value().digest, digest);
  EXPECT_EQ(by_tag.value().media_type, k_docker_manifest);
  EXPECT_EQ(sha256_digest(by_tag.value().bytes), digest);
  auto by_digest = client_->get_manifest(repository_, digest);
  ASSERT_TRUE(by_digest) << by_digest.error().message;
  EXPECT_EQ(by_digest.value().bytes, by_tag.value().bytes);

  auto doc = nlohmann::json::parse(by_tag.value().bytes);
  const std::string config = doc["config"]["digest"];
  auto exists = client_->blob_exists(repository_, config);
  ASSERT_TRUE(exists) << exists.error().message;
  EXPECT_TRUE(exists.value());
  auto missing = client_->blob_exists(repository_, sha256_digest(id_ + "-never-pushed"));
  ASSERT_TRUE(missing) << missing.error().message;
  EXPECT_FALSE(missing.value());
}

TEST_F(RegistryClientTest, CopyByTagWithinTheRepository) {
  const std::string digest = push_image("src");
  auto report = client_->copy_image(repository_, "src", repository_, "staging");
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report.value().digest, digest);
  EXPECT_TRUE(report.value().mounted_blobs.empty());
  EXPECT_EQ(curl_digest(repository_, "staging", std::string(k_docker_manifest)), digest);
}

TEST_F(RegistryClientTest, CopyToAnotherRepositoryMountsEveryBlob) {
  const std::string digest = push_image("src");
  const std::string target = repository_ + "-prod";
  pushed_.emplace_back(target, digest);
  auto report = client_->copy_image(repository_, digest, target, "production");
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report.value().digest, digest);
  EXPECT_EQ(curl_digest(target, "production", std::string(k_docker_manifest)), digest);

  // Every blob of the manifest was mounted (201, no upload session) and is now in the target.
  auto manifest = nlohmann::json::parse(
      run_captured({"curl", "-sS", "-H", "Accept: " + std::string(k_docker_manifest),
                    "http://" + registry_host() + "/v2/" + target + "/manifests/production"})
          .out);
  std::vector<std::string> blobs{manifest["config"]["digest"]};
  for (const auto& layer : manifest["layers"]) {
    blobs.push_back(layer["digest"]);
  }
  EXPECT_EQ(report.value().mounted_blobs, blobs);
  for (const auto& blob : blobs) {
    EXPECT_EQ(curl_status({"-I", "http://" + registry_host() + "/v2/" + target + "/blobs/" + blob}),
              "200")
        << blob;
  }
  // Independent evidence that no upload session was opened in the target: the registry keeps
  // sessions under _uploads in its storage (checked when the storage is ours and visible).
  const std::filesystem::path uploads =
      env_or("PIPEWRIGHT_STATE_DIR", std::string(PIPEWRIGHT_SOURCE_DIR) + "/.state") +
      "/registry/data/docker/registry/v2/repositories/" + target + "/_uploads";
  if (std::filesystem::exists(uploads.parent_path())) {
    EXPECT_TRUE(!std::filesystem::exists(uploads) || std::filesystem::is_empty(uploads)) << uploads;
  }
}

TEST_F(RegistryClientTest, MountOfAnUnknownBlobIsReportedAndItsSessionCancelled) {
  push_image("src");
  const std::string target = repository_ + "-other";
  auto result = client_->mount_blob(target, sha256_digest(id_ + "-nothing"), repository_);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result.value(), MountResult::not_mounted);
  const std::filesystem::path uploads =
      env_or("PIPEWRIGHT_STATE_DIR", std::string(PIPEWRIGHT_SOURCE_DIR) + "/.state") +
      "/registry/data/docker/registry/v2/repositories/" + target + "/_uploads";
  // registry 2.8 answers the DELETE with 204 but leaves the session's hashstates behind; a
  // live session is one that still has its data and startedat files.
  if (std::filesystem::exists(uploads)) {
    for (const auto& session : std::filesystem::directory_iterator(uploads)) {
      EXPECT_FALSE(std::filesystem::exists(session.path() / "startedat")) << session.path();
      EXPECT_FALSE(std::filesystem::exists(session.path() / "data")) << session.path();
    }
  }
}

TEST_F(RegistryClientTest, IndexIsCopiedWholeToAnotherRepository) {
  const std::string child = push_image("src");
  auto child_manifest = client_->get_manifest(repository_, child);
  ASSERT_TRUE(child_manifest) << child_manifest.error().message;
  nlohmann::json index = {{"schemaVersion", 2},
                          {"mediaType", std::string(k_docker_manifest_list)},
                          {"manifests",
                           {{{"mediaType", std::string(k_docker_manifest)},
                             {"digest", child},
                             {"size", child_manifest.value().bytes.size()},
                             {"platform", {{"architecture", "amd64"}, {"os", "linux"}}}}}}};
  const std::string bytes = index.dump();
  const std::string index_digest = sha256_digest(bytes);
  // Pushed with the curl CLI, so the source index does not depend on the client under test.
  EXPECT_EQ(curl_status({"-X", "PUT", "-H", "Content-Type: " + std::string(k_docker_manifest_list),
                         "--data-binary", bytes,
                         "http://" + registry_host() + "/v2/" + repository_ + "/manifests/multi"}),
            "201");
  pushed_.emplace_back(repository_, index_digest);
  const std::string target = repository_ + "-idx";
  pushed_.emplace_back(target, index_digest);
  pushed_.emplace_back(target, child);

  auto report = client_->copy_image(repository_, "multi", target, "release");
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report.value().digest, index_digest);
  EXPECT_EQ(report.value().copied_manifests, std::vector<std::string>{child});
  EXPECT_FALSE(report.value().mounted_blobs.empty());
  EXPECT_EQ(curl_digest(target, "release", std::string(k_docker_manifest_list)), index_digest);
  EXPECT_EQ(curl_digest(target, child, std::string(k_docker_manifest)), child);
}

TEST_F(RegistryClientTest, MissingTagIsA404NamingTheImage) {
  push_image("src");
  auto result = client_->get_manifest(repository_, "no-such-tag");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().http_status, 404);
  EXPECT_EQ(result.error().code, "MANIFEST_UNKNOWN");
  EXPECT_EQ(result.error().message.rfind("reading manifest " + registry_host() + "/" + repository_ +
                                             ":no-such-tag: 404 MANIFEST_UNKNOWN",
                                         0),
            0u)
      << result.error().message;
  auto copy = client_->copy_image(repository_, "no-such-tag", repository_ + "-x", "t");
  ASSERT_FALSE(copy);
  EXPECT_EQ(copy.error().http_status, 404);
  EXPECT_EQ(std::string(to_infrastructure_error(copy.error()).what()), copy.error().message);
}

// ---- a scripted HTTP server, for what the real registry will not do on demand -------------

/// Accepts connections on a loopback port and answers each request with the next scripted
/// response (then closes the connection); records the requests it saw.
class ScriptedServer {
 public:
  /// Listens at once; answers nothing until start().
  ScriptedServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    ::listen(fd_, 8);
  }
  explicit ScriptedServer(std::vector<std::string> responses) : ScriptedServer() {
    start(std::move(responses));
  }
  ~ScriptedServer() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    if (thread_.joinable()) {
      thread_.join();
    }
  }
  /// Serves the responses, one per connection, in order.
  void start(std::vector<std::string> responses) {
    responses_ = std::move(responses);
    thread_ = std::thread([this] { serve(); });
  }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void serve() {
    for (const auto& response : responses_) {
      int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) {
        return;
      }
      std::string request;
      char buffer[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
        if (n <= 0) {
          break;
        }
        request.append(buffer, static_cast<std::size_t>(n));
      }
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
      }
      ::send(client, response.data(), response.size(), MSG_NOSIGNAL);
      ::close(client);
    }
  }

  std::vector<std::string> responses_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
};

const std::string k_manifest_body =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"})";

std::string ok_manifest() {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\n"
         "Docker-Content-Digest: " +
         sha256_digest(k_manifest_body) +
         "\r\nContent-Length: " + std::to_string(k_manifest_body.size()) +
         "\r\nConnection: close\r\n\r\n" + k_manifest_body;
}

RegistryClient scripted_client(const std::string& host, RetryPolicy retry,
                               std::optional<Credentials> credentials = std::nullopt) {
  RegistryClientOptions options;
  options.transport = Transport::insecure_http;
  options.retry = retry;
  options.request_timeout = 10s;
  options.credentials = std::move(credentials);
  return std::move(RegistryClient::create(host, options)).value();
}

TEST(RegistryClientRetry, ServerErrorsAreRetriedHonouringRetryAfter) {
  ScriptedServer server({
      "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n"
      "Connection: close\r\n\r\n",
      "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
      ok_manifest(),
  });
  auto client = scripted_client(server.host(), RetryPolicy{5, 10ms, 30s});
  const auto start = std::chrono::steady_clock::now();
  auto m = client.get_manifest("app", "v1");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m.value().digest, sha256_digest(k_manifest_body));
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_GE(elapsed, 1s);  // Retry-After: 1 was honoured (the base delay is 10 ms)
}

TEST(RegistryClientRetry, PersistentServerErrorGivesUpWithTheStatus) {
  const std::string unavailable =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: 67\r\n"
      "Connection: close\r\n\r\n"
      R"({"errors":[{"code":"UNAVAILABLE","message":"service unavailable"}]})";
  ScriptedServer server({unavailable, unavailable});
  auto client = scripted_client(server.host(), RetryPolicy{2, 10ms, 10ms});
  auto m = client.get_manifest("app", "v1");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().http_status, 503);
  EXPECT_EQ(m.error().message, "reading manifest " + server.host() +
                                   "/app:v1: 503 UNAVAILABLE service unavailable (gave up after 2 "
                                   "attempts)");
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(RegistryClientRetry, NotFoundAndForbiddenAreNotRetried) {
  ScriptedServer server({
      "HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: 59\r\n"
      "Connection: close\r\n\r\n"
      R"({"errors":[{"code":"DENIED","message":"requested access"}]})",
  });
  auto client = scripted_client(server.host(), RetryPolicy{5, 10ms, 100ms});
  auto m = client.get_manifest("app", "v1");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().http_status, 403);
  EXPECT_EQ(m.error().kind, RegistryFailure::Kind::auth);
  EXPECT_NE(m.error().message.find("/app:v1: 403 DENIED requested access"), std::string::npos)
      << m.error().message;
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(RegistryClientRetry, ClosedPortFailsAfterTheRetryBudget) {
  // A port that was free a moment ago: bind, read the number, close.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const std::string host = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  ::close(fd);

  auto client = scripted_client(host, RetryPolicy{3, 20ms, 100ms});
  const auto start = std::chrono::steady_clock::now();
  auto m = client.get_manifest("pipewright/app", "abc");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, RegistryFailure::Kind::connection);
  const std::string& message = m.error().message;
  EXPECT_EQ(message.rfind("reading manifest " + host + "/pipewright/app:abc: ", 0), 0u) << message;
  EXPECT_NE(message.find("gave up after 3 attempts"), std::string::npos) << message;
  EXPECT_GE(elapsed, 60ms);  // 20 ms + 40 ms of backoff
  EXPECT_LT(elapsed, 5s);
}

std::string challenge(const std::string& header_value) {
  return "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: " + header_value +
         "\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
}

std::string json_response(int status, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\n" +
         "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

TEST(RegistryClientAuth, BearerTokenFlowWithBasicCredentialsAtTheRealm) {
  // The realm is this same server: after the 401 the client asks it for a token with its basic
  // credentials, retries with the token, and reuses the token for the next request.
  ScriptedServer server;
  server.start({
      challenge(R"(Bearer realm="http://)" + server.host() +
                R"(/token",service="test-registry",scope="repository:app:pull")"),
      json_response(200, R"({"token":"tok-123","expires_in":300})"),
      ok_manifest(),
      ok_manifest(),
  });
  auto client =
      scripted_client(server.host(), RetryPolicy{1, 10ms, 10ms}, Credentials{"user", "s3cret"});
  auto first = client.get_manifest("app", "v1");
  ASSERT_TRUE(first) << first.error().message;
  auto second = client.get_manifest("app", "v2");
  ASSERT_TRUE(second) << second.error().message;
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[0].find("Authorization:"), std::string::npos) << requests[0];
  EXPECT_EQ(requests[1].rfind("GET /token?service=test-registry&scope=repository%3Aapp%3Apull ", 0),
            0u)
      << requests[1];
  EXPECT_NE(requests[1].find("Authorization: Basic " + base64_encode("user:s3cret")),
            std::string::npos)
      << requests[1];
  EXPECT_NE(requests[2].find("Authorization: Bearer tok-123"), std::string::npos) << requests[2];
  EXPECT_NE(requests[3].find("Authorization: Bearer tok-123"), std::string::npos) << requests[3];
  EXPECT_NE(requests[3].find("GET /v2/app/manifests/v2 "), std::string::npos) << requests[3];
}

TEST(RegistryClientAuth, RejectedTokenRequestNamesTheImageButNoSecret) {
  ScriptedServer server;
  server.start({
      challenge(R"(Bearer realm="http://)" + server.host() + R"(/token",service="s")"),
      json_response(401, R"({"errors":[{"code":"UNAUTHORIZED","message":"bad login"}]})"),
  });
  auto client =
      scripted_client(server.host(), RetryPolicy{3, 10ms, 10ms}, Credentials{"user", "s3cret"});
  auto m = client.get_manifest("app", "v1");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, RegistryFailure::Kind::auth);
  EXPECT_NE(m.error().message.find("reading manifest " + server.host() + "/app:v1"),
            std::string::npos)
      << m.error().message;
  EXPECT_NE(m.error().message.find("401 UNAUTHORIZED bad login"), std::string::npos)
      << m.error().message;
  EXPECT_EQ(m.error().message.find("s3cret"), std::string::npos);
  EXPECT_EQ(m.error().message.find(base64_encode("user:s3cret")), std::string::npos);
  EXPECT_EQ(server.requests().size(), 2u);  // a 401 is never retried
}

TEST(RegistryClientAuth, BasicChallengeIsAnsweredWithCredentials) {
  ScriptedServer server({challenge(R"(Basic realm="registry")"), ok_manifest()});
  auto client =
      scripted_client(server.host(), RetryPolicy{1, 10ms, 10ms}, Credentials{"user", "s3cret"});
  auto m = client.get_manifest("app", "v1");
  ASSERT_TRUE(m) << m.error().message;
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_NE(requests[1].find("Authorization: Basic " + base64_encode("user:s3cret")),
            std::string::npos);
}

TEST(RegistryClientAuth, BasicChallengeWithoutCredentialsFailsClearly) {
  ScriptedServer server({challenge(R"(Basic realm="registry")")});
  auto client = scripted_client(server.host(), RetryPolicy{3, 10ms, 10ms});
  auto m = client.get_manifest("app", "v1");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, RegistryFailure::Kind::auth);
  EXPECT_NE(m.error().message.find("no credentials for " + server.host()), std::string::npos)
      << m.error().message;
}

// ---- a second, real registry with htpasswd (bcrypt) basic auth -----------------------------

/// A free loopback port (bound, read, closed: the registry binds it right after).
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

/// `docker-registry serve` on its own port and storage, with basic auth for one user; the
/// process runs on a thread of its own and is killed (through pw::proc's cancel) at the end.
class AuthRegistry {
 public:
  static constexpr const char* k_user = "promoter";
  static constexpr const char* k_password = "pw-test-Secret-42";

  AuthRegistry() {
    dir_ = std::filesystem::temp_directory_path() /
           ("pw-auth-registry-" + std::to_string(::getpid()) + "-" + std::to_string(free_port()));
    std::filesystem::create_directories(dir_ / "data");
    // The password goes through stdin (-i), never the command line.
    const auto hashed = run_captured({"htpasswd", "-niB", k_user}, std::string(k_password) + "\n");
    if (!hashed.status.ok()) {
      problem_ = "htpasswd failed: " + hashed.status.describe() + " " + hashed.err;
      return;
    }
    std::ofstream(dir_ / "htpasswd") << hashed.out << "\n";
    host_ = "127.0.0.1:" + std::to_string(free_port());
    std::ofstream(dir_ / "config.yml")
        << "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: "
        << (dir_ / "data").string() << "\n  delete:\n    enabled: true\nhttp:\n  addr: " << host_
        << "\nauth:\n  htpasswd:\n    realm: pipewright-test\n    path: "
        << (dir_ / "htpasswd").string() << "\n";
    thread_ = std::thread([this] {
      proc::SystemProcessRunner runner;
      proc::Command command;
      command.argv = {"docker-registry", "serve", (dir_ / "config.yml").string()};
      command.cancel = &stop_;
      command.kill_grace = 1s;
      proc::capture(runner, command);
    });
    for (int i = 0; i < 100; ++i) {
      if (curl_status({"--max-time", "1", "http://" + host_ + "/v2/"}) == "401") {
        return;
      }
      std::this_thread::sleep_for(100ms);
    }
    problem_ = "docker-registry with htpasswd did not answer on " + host_;
  }
  ~AuthRegistry() {
    stop_ = true;
    if (thread_.joinable()) {
      thread_.join();
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  const std::string& problem() const { return problem_; }
  const std::string& host() const { return host_; }

  /// Uploads bytes as a blob with the curl CLI (credentials from a netrc file, not argv).
  std::string upload_blob(const std::string& repository, const std::string& bytes) {
    const std::string digest = sha256_digest(bytes);
    const auto blob = dir_ / "blob";
    std::ofstream(blob, std::ios::binary) << bytes;
    const auto r =
        run_captured({"bash", "-c",
                      R"(set -euo pipefail
base=$1 netrc=$2 repo=$3 file=$4 digest=$5
loc=$(curl -sS --netrc-file "$netrc" -X POST -D - -o /dev/null "$base/v2/$repo/blobs/uploads/" |
  awk -F': ' 'tolower($1) == "location" { sub(/\r$/, "", $2); print $2 }')
case $loc in http*) ;; *) loc=$base$loc ;; esac
sep='?'; [[ $loc == *'?'* ]] && sep='&'
curl -sS -f --netrc-file "$netrc" -X PUT -H 'Content-Type: application/octet-stream' \
  --data-binary "@$file" -o /dev/null -w '%{http_code}' "$loc${sep}digest=$digest")",
                      "bash", "http://" + host_, netrc(), repository, blob.string(), digest});
    EXPECT_EQ(r.out, "201") << r.err;
    return digest;
  }

  /// Puts a manifest with the curl CLI; the HTTP status.
  std::string put_manifest(const std::string& repository, const std::string& tag,
                           const std::string& media_type, const std::string& bytes) {
    return curl_status({"--netrc-file", netrc(), "-X", "PUT", "-H", "Content-Type: " + media_type,
                        "--data-binary", bytes,
                        "http://" + host_ + "/v2/" + repository + "/manifests/" + tag});
  }

  /// Docker-Content-Digest of a tag, through the curl CLI.
  std::string digest_of(const std::string& repository, const std::string& tag,
                        const std::string& accept) {
    const auto c =
        run_captured({"curl", "-sS", "-I", "--netrc-file", netrc(), "-H", "Accept: " + accept,
                      "http://" + host_ + "/v2/" + repository + "/manifests/" + tag});
    std::istringstream in(c.out);
    for (std::string line; std::getline(in, line);) {
      if (strncasecmp(line.c_str(), "docker-content-digest: ", 23) == 0) {
        return line.substr(23, line.find_last_not_of("\r ") - 22);
      }
    }
    return "(none: " + c.out + ")";
  }

 private:
  std::string netrc() {
    const auto path = dir_ / "netrc";
    if (!std::filesystem::exists(path)) {
      std::ofstream(path) << "machine 127.0.0.1 login " << k_user << " password " << k_password
                          << "\n";
    }
    return path.string();
  }

  std::filesystem::path dir_;
  std::string host_;
  std::string problem_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST(RegistryClientBasicAuth, RealRegistryWithHtpasswd) {
  for (const char* tool : {"docker-registry", "htpasswd"}) {
    if (!run_captured({"sh", "-c", "command -v \"$1\"", "sh", tool}).status.ok()) {
      if (docker_required()) {
        FAIL() << tool << " not installed (cicd/install-deps)";
      }
      GTEST_SKIP() << tool << " not installed";
    }
  }
  AuthRegistry registry;
  ASSERT_EQ(registry.problem(), "");

  // Content made with the curl CLI: a config blob, a layer blob, a Docker v2 manifest.
  const std::string config = R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers"}})";
  const std::string layer = "not really a tarball, the registry does not look";
  const std::string config_digest = registry.upload_blob("team/app", config);
  const std::string layer_digest = registry.upload_blob("team/app", layer);
  const nlohmann::json manifest = {
      {"schemaVersion", 2},
      {"mediaType", std::string(k_docker_manifest)},
      {"config",
       {{"mediaType", "application/vnd.docker.container.image.v1+json"},
        {"size", config.size()},
        {"digest", config_digest}}},
      {"layers",
       {{{"mediaType", "application/vnd.docker.image.rootfs.diff.tar.gzip"},
         {"size", layer.size()},
         {"digest", layer_digest}}}}};
  const std::string bytes = manifest.dump();
  ASSERT_EQ(registry.put_manifest("team/app", "v1", std::string(k_docker_manifest), bytes), "201");

  RegistryClientOptions options;
  options.transport = Transport::insecure_http;
  options.retry = RetryPolicy{2, 10ms, 10ms};

  auto anonymous = std::move(RegistryClient::create(registry.host(), options)).value();
  auto denied = anonymous.get_manifest("team/app", "v1");
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().kind, RegistryFailure::Kind::auth);
  EXPECT_NE(denied.error().message.find("no credentials for " + registry.host()), std::string::npos)
      << denied.error().message;

  options.credentials = Credentials{AuthRegistry::k_user, "wrong-password"};
  auto wrong = std::move(RegistryClient::create(registry.host(), options)).value();
  auto rejected = wrong.get_manifest("team/app", "v1");
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().http_status, 401);
  EXPECT_EQ(rejected.error().message.find("wrong-password"), std::string::npos);

  // The good credentials come the way a user's would: config.json names a credential helper,
  // which resolve_credentials runs (a real process, found on PATH) through pw::proc.
  const auto helper_dir =
      std::filesystem::temp_directory_path() / ("pw-cred-helper-" + std::to_string(::getpid()));
  std::filesystem::create_directories(helper_dir);
  {
    std::ofstream(helper_dir / "docker-credential-pwtest")
        << "#!/bin/sh\nread -r host\n[ \"$1\" = get ] && [ \"$host\" = \"" << registry.host()
        << "\" ] || exit 1\nprintf '{\"ServerURL\":\"%s\",\"Username\":\"%s\",\"Secret\":\"%s\"}' "
           "\"$host\" '"
        << AuthRegistry::k_user << "' '" << AuthRegistry::k_password << "'\n";
    std::ofstream(helper_dir / "config.json")
        << R"({"auths":{"other.example":{"auth":"eDp5"}},"credHelpers":{")" << registry.host()
        << R"(":"pwtest"}})";
  }
  std::filesystem::permissions(helper_dir / "docker-credential-pwtest",
                               std::filesystem::perms::owner_all);
  const std::string saved_path = env_or("PATH", "/usr/bin:/bin");
  ::setenv("PATH", (helper_dir.string() + ":" + saved_path).c_str(), 1);
  CredentialSources sources;
  sources.docker_config = helper_dir / "config.json";
  proc::SystemProcessRunner runner;
  auto resolved = resolve_credentials(registry.host(), sources, runner);
  ::setenv("PATH", saved_path.c_str(), 1);
  std::filesystem::remove_all(helper_dir);
  ASSERT_TRUE(resolved) << resolved.error();
  ASSERT_TRUE(resolved.value());
  EXPECT_EQ(resolved.value()->username, AuthRegistry::k_user);
  options.credentials = resolved.value();
  auto client = std::move(RegistryClient::create(registry.host(), options)).value();
  auto report = client.copy_image("team/app", "v1", "team/app-prod", "production");
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report.value().digest, sha256_digest(bytes));
  EXPECT_EQ(report.value().mounted_blobs, (std::vector<std::string>{config_digest, layer_digest}));
  EXPECT_EQ(registry.digest_of("team/app-prod", "production", std::string(k_docker_manifest)),
            sha256_digest(bytes));
  EXPECT_EQ(report.value().digest.find(AuthRegistry::k_password), std::string::npos);
}

}  // namespace
}  // namespace pw::registry
