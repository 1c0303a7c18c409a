// Image reference parsing with docker's rules (src/registry/image_reference.hpp).

#include <gtest/gtest.h>

#include "registry/image_reference.hpp"

namespace pw::registry {
namespace {

const std::string k_digest = "sha256:" + std::string(64, 'a');

ImageReference parse_ok(const std::string& text) {
  auto r = parse_image_reference(text);
  EXPECT_TRUE(r) << text << ": " << (r ? "" : r.error());
  return r ? r.value() : ImageReference{};
}

std::string parse_error(const std::string& text) {
  auto r = parse_image_reference(text);
  EXPECT_FALSE(r) << text << " parsed";
  return r ? "" : r.error();
}

TEST(RegistryReference, HostWithPortRepositoryAndTag) {
  auto ref = parse_ok("localhost:5000/app:abc");
  EXPECT_EQ(ref.registry, "localhost:5000");
  EXPECT_EQ(ref.repository, "app");
  EXPECT_EQ(ref.tag, "abc");
  EXPECT_FALSE(ref.digest);
  EXPECT_EQ(ref.api_reference(), "abc");
  EXPECT_EQ(ref.to_string(), "localhost:5000/app:abc");
}

TEST(RegistryReference, FirstComponentIsHostOnlyWithDotColonLocalhostOrUppercase) {
  EXPECT_EQ(parse_ok("registry.example.com/team/app").registry, "registry.example.com");
  EXPECT_EQ(parse_ok("localhost/app").registry, "localhost");
  EXPECT_EQ(parse_ok("127.0.0.1:5000/a/b/c").repository, "a/b/c");
  EXPECT_EQ(parse_ok("Registry/app").registry, "Registry");
  auto team = parse_ok("team/app");
  EXPECT_EQ(team.registry, "docker.io");
  EXPECT_EQ(team.repository, "team/app");
}

TEST(RegistryReference, DockerHubOfficialImagesGetLibraryPrefix) {
  auto ref = parse_ok("busybox");
  EXPECT_EQ(ref.registry, "docker.io");
  EXPECT_EQ(ref.repository, "library/busybox");
  EXPECT_EQ(ref.api_reference(), "latest");
}

TEST(RegistryReference, PortIsNotATag) {
  auto ref = parse_ok("localhost:5000/app");
  EXPECT_EQ(ref.registry, "localhost:5000");
  EXPECT_FALSE(ref.tag);
}

TEST(RegistryReference, DigestWithAndWithoutTag) {
  auto by_digest = parse_ok("h.io/app@" + k_digest);
  EXPECT_EQ(by_digest.digest, k_digest);
  EXPECT_FALSE(by_digest.tag);
  EXPECT_EQ(by_digest.api_reference(), k_digest);
  auto both = parse_ok("h.io:443/app:v1@" + k_digest);
  EXPECT_EQ(both.tag, "v1");
  EXPECT_EQ(both.api_reference(), k_digest);
  EXPECT_EQ(both.to_string(), "h.io:443/app:v1@" + k_digest);
}

TEST(RegistryReference, RepositoryComponentSeparators) {
  EXPECT_TRUE(parse_image_reference("h.io/a.b_c__d---e/f"));
  EXPECT_FALSE(parse_image_reference("h.io/a___b"));
  EXPECT_FALSE(parse_image_reference("h.io/-a"));
  EXPECT_FALSE(parse_image_reference("h.io/a-"));
  EXPECT_FALSE(parse_image_reference("h.io/a..b"));
  EXPECT_FALSE(parse_image_reference("h.io/a//b"));
  EXPECT_FALSE(parse_image_reference("h.io/a/"));
}

TEST(RegistryReference, Errors) {
  EXPECT_NE(parse_error("h.io/App:1").find("must be lowercase"), std::string::npos);
  EXPECT_NE(parse_error("h.io/app:-x").find("invalid tag"), std::string::npos);
  EXPECT_NE(parse_error("h.io/app:" + std::string(129, 'x')).find("invalid tag"),
            std::string::npos);
  EXPECT_TRUE(parse_image_reference("h.io/app:" + std::string(128, 'x')));
  EXPECT_NE(parse_error("h.io/app@sha256:abc").find("invalid digest"), std::string::npos);
  EXPECT_NE(parse_error("h.io/app@sha256:" + std::string(64, 'A')).find("invalid digest"),
            std::string::npos);
  EXPECT_NE(parse_error("h.io:x/app").find("invalid registry host"), std::string::npos);
  EXPECT_NE(parse_error("-h.io/app").find("invalid registry host"), std::string::npos);
  EXPECT_NE(parse_error("[::1]:5000/app").find("IPv6"), std::string::npos);
  EXPECT_NE(parse_error("").find("empty"), std::string::npos);
  EXPECT_NE(parse_error("h.io/").find("repository"), std::string::npos);
  EXPECT_NE(parse_error("h.io/" + std::string(260, 'a')).find("255"), std::string::npos);
}

TEST(RegistryReference, Predicates) {
  EXPECT_TRUE(is_sha256_digest(k_digest));
  EXPECT_FALSE(is_sha256_digest("sha512:" + std::string(64, 'a')));
  EXPECT_TRUE(is_valid_tag("v1.2_3-rc"));
  EXPECT_TRUE(is_valid_tag("_x"));
  EXPECT_FALSE(is_valid_tag(".x"));
  EXPECT_FALSE(is_valid_tag("a/b"));
  EXPECT_TRUE(is_valid_repository("pipewright-test/app"));
  EXPECT_FALSE(is_valid_repository("../etc"));
}

}  // namespace
}  // namespace pw::registry
