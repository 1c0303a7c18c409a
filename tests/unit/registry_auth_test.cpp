// WWW-Authenticate parsing, Docker config.json and credential-helper parsing, base64, and the
// small pure helpers of the registry client.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "registry/auth_challenge.hpp"
#include "registry/credentials.hpp"
#include "registry/digest.hpp"
#include "registry/registry_client.hpp"

namespace pw::registry {
namespace {

TEST(RegistryAuth, BearerChallengeWithCommaInScope) {
  auto cs = parse_www_authenticate(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",)"
      R"(scope="repository:samalba/my-app:pull,push")");
  ASSERT_EQ(cs.size(), 1u);
  EXPECT_EQ(cs[0].scheme, "bearer");
  EXPECT_EQ(cs[0].params.at("realm"), "https://auth.docker.io/token");
  EXPECT_EQ(cs[0].params.at("service"), "registry.docker.io");
  EXPECT_EQ(cs[0].params.at("scope"), "repository:samalba/my-app:pull,push");
}

TEST(RegistryAuth, SeveralChallengesTokensAndEscapes) {
  auto cs = parse_www_authenticate(
      R"(Basic realm="Registry \"x\"" , BEARER Realm=https://t.example/tok, error="invalid_token")");
  ASSERT_EQ(cs.size(), 2u);
  EXPECT_EQ(cs[0].scheme, "basic");
  EXPECT_EQ(cs[0].params.at("realm"), "Registry \"x\"");
  EXPECT_EQ(cs[1].scheme, "bearer");
  EXPECT_EQ(cs[1].params.at("realm"), "https://t.example/tok");
  EXPECT_EQ(cs[1].params.at("error"), "invalid_token");
}

TEST(RegistryAuth, MalformedChallengesDoNotCrash) {
  EXPECT_TRUE(parse_www_authenticate("").empty());
  EXPECT_TRUE(parse_www_authenticate("=,=").empty());
  auto cs = parse_www_authenticate(R"(Bearer realm="unterminated)");
  ASSERT_EQ(cs.size(), 1u);
  EXPECT_EQ(cs[0].params.at("realm"), "unterminated");
}

TEST(RegistryAuth, Base64RoundTrip) {
  for (const std::string& s :
       std::vector<std::string>{"", "a", "ab", "abc", "user:p@ss:word", std::string("\0\xff", 2)}) {
    auto decoded = base64_decode(base64_encode(s));
    ASSERT_TRUE(decoded) << s;
    EXPECT_EQ(*decoded, s);
  }
  EXPECT_EQ(base64_encode("user:pass"), "dXNlcjpwYXNz");
  EXPECT_FALSE(base64_decode("dXNl*jpw"));
  EXPECT_FALSE(base64_decode("a"));
}

TEST(RegistryAuth, ConfigHostNormalization) {
  EXPECT_EQ(normalize_config_host("https://index.docker.io/v1/"), "docker.io");
  EXPECT_EQ(normalize_config_host("http://localhost:5000/x"), "localhost:5000");
  EXPECT_EQ(normalize_config_host("ghcr.io"), "ghcr.io");
}

TEST(RegistryAuth, ConfigInlineAuth) {
  auto e = parse_docker_config(
      R"({"auths":{"https://index.docker.io/v1/":{"auth":"dXNlcjpwYXNz"},
                   "reg.example:5000":{"auth":"YTpiOmM="}}})",
      "reg.example:5000");
  ASSERT_TRUE(e);
  ASSERT_TRUE(e.value().inline_credentials);
  EXPECT_EQ(e.value().inline_credentials->username, "a");
  EXPECT_EQ(e.value().inline_credentials->password, "b:c");
  EXPECT_FALSE(e.value().helper);
  auto hub = parse_docker_config(
      R"({"auths":{"https://index.docker.io/v1/":{"auth":"dXNlcjpwYXNz"}}})", "docker.io");
  ASSERT_TRUE(hub && hub.value().inline_credentials);
  EXPECT_EQ(hub.value().inline_credentials->username, "user");
}

TEST(RegistryAuth, ConfigHelpersPrecedence) {
  const char* json = R"({"auths":{"a.io":{"auth":"dXNlcjpwYXNz"},"c.io":{}},
                         "credHelpers":{"a.io":"ecr-login"},"credsStore":"pass"})";
  auto a = parse_docker_config(json, "a.io");
  ASSERT_TRUE(a);
  EXPECT_EQ(a.value().helper, "ecr-login");
  EXPECT_FALSE(a.value().inline_credentials);
  auto c = parse_docker_config(json, "c.io");
  ASSERT_TRUE(c);
  EXPECT_EQ(c.value().helper, "pass");
  auto none = parse_docker_config(R"({"auths":{}})", "x.io");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none.value().helper);
  EXPECT_FALSE(none.value().inline_credentials);
}

TEST(RegistryAuth, ConfigErrorsNeverQuoteSecrets) {
  auto bad =
      parse_docker_config(R"({"auths":{"a.io":{"auth":"c2VjcmV0LXdpdGhvdXQtY29sb24="}}})", "a.io");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().find("secret"), std::string::npos);
  EXPECT_EQ(bad.error().find("c2Vj"), std::string::npos);
  EXPECT_FALSE(parse_docker_config("[1]", "a.io"));
  EXPECT_FALSE(parse_docker_config("{", "a.io"));
  EXPECT_FALSE(parse_docker_config(R"({"credsStore":"../../bin/sh"})", "a.io"));
  EXPECT_FALSE(parse_docker_config(R"({"credsStore":"-rf"})", "a.io"));
}

TEST(RegistryAuth, CredentialHelperOutput) {
  auto c =
      parse_credential_helper_output(R"({"ServerURL":"a.io","Username":"u","Secret":"s3cr3t"})");
  ASSERT_TRUE(c);
  EXPECT_EQ(c.value().username, "u");
  EXPECT_EQ(c.value().password, "s3cr3t");
  EXPECT_FALSE(parse_credential_helper_output(R"({"Username":"u"})"));
  EXPECT_FALSE(parse_credential_helper_output("credentials not found"));
}

TEST(RegistryAuth, EnvironmentCredentialsWinWithoutAnyProcess) {
  struct NoProcesses : proc::ProcessRunner {
    proc::ExitStatus run(const proc::Command&, const proc::LineSink&) override {
      ADD_FAILURE() << "no process expected";
      return {};
    }
  } runner;
  CredentialSources sources;
  sources.env = {{"PIPEWRIGHT_REGISTRY_USER", "u"}, {"PIPEWRIGHT_REGISTRY_PASSWORD", "p"}};
  auto c = resolve_credentials("a.io", sources, runner);
  ASSERT_TRUE(c && c.value());
  EXPECT_EQ(c.value()->username, "u");
  sources.env.clear();
  auto none = resolve_credentials("a.io", sources, runner);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none.value());
}

TEST(RegistryAuth, HelperRunsThroughTheProcessRunner) {
  struct FakeHelper : proc::ProcessRunner {
    proc::Command seen;
    proc::ExitStatus run(const proc::Command& command, const proc::LineSink& sink) override {
      seen = command;
      sink(proc::Stream::out, R"({"ServerURL":"a.io","Username":"hu","Secret":"hs"})");
      return {};
    }
  } runner;
  auto dir =
      std::filesystem::temp_directory_path() / ("pw-registry-auth-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  { std::ofstream(dir / "config.json") << R"({"credHelpers":{"a.io":"fake"}})"; }
  CredentialSources sources;
  sources.docker_config = dir / "config.json";
  auto c = resolve_credentials("a.io", sources, runner);
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(c) << c.error();
  ASSERT_TRUE(c.value());
  EXPECT_EQ(c.value()->username, "hu");
  EXPECT_EQ(c.value()->password, "hs");
  EXPECT_EQ(runner.seen.argv, (std::vector<std::string>{"docker-credential-fake", "get"}));
  EXPECT_EQ(runner.seen.stdin_data, "a.io\n");
}

TEST(RegistryClientPure, DescribeRegistryError) {
  EXPECT_EQ(describe_registry_error(
                404, R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown",
                                    "detail":{"Tag":"abc"}}]})"),
            "404 MANIFEST_UNKNOWN manifest unknown");
  EXPECT_EQ(describe_registry_error(500, "oops\n\x1b[31m"), "500 oops  [31m");
  EXPECT_EQ(describe_registry_error(502, ""), "502");
  EXPECT_EQ(describe_registry_error(
                400, R"({"errors":[{"code":"A","message":"x"},{"code":"B","message":"y"}]})"),
            "400 A x; B y");
}

TEST(RegistryClientPure, Sha256AndLoopback) {
  EXPECT_EQ(sha256_digest("abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(is_loopback_host("127.0.0.1:5000"));
  EXPECT_TRUE(is_loopback_host("localhost"));
  EXPECT_TRUE(is_loopback_host("[::1]:5000"));
  EXPECT_TRUE(is_loopback_host("127.1.2.3"));
  EXPECT_FALSE(is_loopback_host("127.example.com:5000"));
  EXPECT_FALSE(is_loopback_host("10.0.0.1:5000"));
  EXPECT_FALSE(is_loopback_host("localhost.evil.com"));
}

TEST(RegistryClientPure, InsecureHttpOnlyForLoopback) {
  RegistryClientOptions options;
  options.transport = Transport::insecure_http;
  auto remote = RegistryClient::create("registry.example.com", options);
  ASSERT_FALSE(remote);
  EXPECT_NE(remote.error().message.find("loopback"), std::string::npos);
  EXPECT_TRUE(RegistryClient::create("127.0.0.1:5000", options));
  EXPECT_TRUE(RegistryClient::create("registry.example.com", RegistryClientOptions{}));
}

}  // namespace
}  // namespace pw::registry
