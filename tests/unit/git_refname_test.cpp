#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "git/refname.hpp"
#include "proc/process.hpp"
#include "util/temp_dir.hpp"

namespace {

using pw::git::is_valid_tag_name;
using pw::git::tag_name_problem;

/// Runs argv through pw::proc (no shell: names reach git byte for byte); true when it exits 0.
bool succeeds(const std::vector<std::string>& argv) {
  pw::proc::SystemProcessRunner runner;
  pw::proc::Command command;
  command.argv = argv;
  command.timeout = std::chrono::seconds(30);
  return pw::proc::capture(runner, command).status.ok();
}

bool git_available() {
  return succeeds({"git", "--version"});
}

/// What git itself accepts as a tag name: `git check-ref-format refs/tags/<name>`, plus the
/// rule `git tag` adds on top (builtin/tag.c refuses names starting with '-', which
/// check-ref-format alone allows; see GitRefname.LeadingDashIsRefusedByGitTagItself).
bool git_accepts_tag(const std::string& name) {
  if (!name.empty() && name.front() == '-') {
    return false;
  }
  return succeeds({"git", "check-ref-format", "refs/tags/" + name});
}

const std::vector<std::string> k_valid = {
    "Staging",
    "Production",
    "v1.2.3",
    "release/2024-01",
    "a-b_c+d=e,f%g",
    "été/日本",
    "x.loc",
    "a.b/c",
    "HEAD",
    "a@b",
    "lock",
    "@",  // git accepts refs/tags/@ (the single-'@' rule is about a whole refname): `git tag @`
          // works; `git rev-parse @` still means HEAD, so such a tag is only reachable in full.
};

struct Invalid {
  std::string name;
  std::string problem;
};

const std::vector<Invalid> k_invalid = {
    {"a..b", "contains '..'"},
    {"a b", "contains a space"},
    {"x.lock", "ends with '.lock'"},
    {"-x", "starts with '-'"},
    {"a~1", "contains '~'"},
    {"a^", "contains '^'"},
    {"a:b", "contains ':'"},
    {"a?", "contains '?'"},
    {"a*", "contains '*'"},
    {"a[", "contains '['"},
    {"a\\b", "contains '\\'"},
    {"@{", "contains '@{'"},
    {"a@{b", "contains '@{'"},
    {"release/", "ends with '/'"},
    {"/release", "starts with '/'"},
    {"a//b", "contains '//'"},
    {"v1.", "ends with '.'"},
    {".hidden", "starts with '.'"},
    {"a/.b", "has a path component starting with '.'"},
    {"a.lock/b", "has a path component ending with '.lock'"},
    {"a\tb", "contains a control character"},
    {"a\nb", "contains a control character"},
    {"a\x01", "contains a control character"},
    {"a\x7f", "contains a control character"},  // libgit2 1.5 alone would accept DEL
    {"", "is empty"},
};

TEST(GitRefname, ClassicValidNames) {
  for (const std::string& name : k_valid) {
    EXPECT_TRUE(is_valid_tag_name(name)) << name;
    EXPECT_EQ(tag_name_problem(name), "") << name;
  }
}

TEST(GitRefname, ClassicInvalidNamesWithTheirReason) {
  for (const Invalid& c : k_invalid) {
    EXPECT_FALSE(is_valid_tag_name(c.name)) << "[" << c.name << "]";
    EXPECT_EQ(tag_name_problem(c.name), c.problem) << "[" << c.name << "]";
  }
}

TEST(GitRefname, EmbeddedNulIsInvalidNotTruncated) {
  const std::string name("ok\0../../x", 10);
  EXPECT_FALSE(is_valid_tag_name(name));
  EXPECT_EQ(tag_name_problem(name), "contains a control character");
}

TEST(GitRefname, AgreesWithGitCheckRefFormat) {
  if (!git_available()) {
    GTEST_SKIP() << "git is not installed: cannot cross-check against git check-ref-format";
  }
  std::vector<std::string> names = k_valid;
  for (const Invalid& c : k_invalid) {
    names.push_back(c.name);
  }
  // Every byte in the middle, at the start and alone.
  for (int byte = 1; byte < 256; ++byte) {
    const std::string c(1, static_cast<char>(byte));
    names.push_back("a" + c + "b");
    names.push_back(c + "a");
    names.push_back(c);
  }
  for (const std::string& name : names) {
    EXPECT_EQ(is_valid_tag_name(name), git_accepts_tag(name))
        << "libgit2 and git disagree on [" << name << "] (first byte "
        << (name.empty() ? 0 : static_cast<int>(static_cast<unsigned char>(name[0]))) << ")";
  }
}

TEST(GitRefname, LeadingDashIsRefusedByGitTagItself) {
  if (!git_available()) {
    GTEST_SKIP() << "git is not installed";
  }
  const pw::TempDir dir("pw-git-refname");
  const std::vector<std::string> git = {"git",         "-C", dir.path().string(),       "-c",
                                        "user.name=t", "-c", "user.email=t@example.com"};
  auto with = [&](std::vector<std::string> tail) {
    std::vector<std::string> argv = git;
    argv.insert(argv.end(), tail.begin(), tail.end());
    return argv;
  };
  ASSERT_TRUE(succeeds(with({"init", "-q"})));
  ASSERT_TRUE(succeeds(with({"commit", "-q", "--allow-empty", "-m", "c"})));
  EXPECT_TRUE(succeeds({"git", "check-ref-format", "refs/tags/-x"}));  // the refname is fine
  EXPECT_FALSE(succeeds(with({"tag", "--", "-x"})));                   // but git tag refuses
  EXPECT_TRUE(succeeds(with({"tag", "--", "Staging"})));
  EXPECT_FALSE(is_valid_tag_name("-x"));
  EXPECT_TRUE(is_valid_tag_name("Staging"));
}

}  // namespace
