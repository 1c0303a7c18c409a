// The ChangeSet of a commit against a target (git/changes_since.hpp), the hooks directory
// (git/hooks_dir.hpp) and commit trees (git/commit_tree.hpp), against repositories made with
// the real git CLI; every list of paths is checked against what git itself says.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "git/changes_since.hpp"
#include "git/commit_tree.hpp"
#include "git/hooks_dir.hpp"
#include "git/repository.hpp"
#include "hook/commit_path_probe.hpp"
#include "support/git_cli.hpp"
#include "util/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using pw::ChangeSet;
using pw::test::git;
using pw::test::write_file;

void init_repo(const fs::path& dir) {
  fs::create_directories(dir);
  git(dir, {"init", "-q", "-b", "main"});
  std::ofstream config(dir / ".git" / "config", std::ios::app);
  config << "[user]\n\tname = Pipewright Test\n\temail = test@pipewright.invalid\n"
         << "[commit]\n\tgpgsign = false\n[core]\n\tautocrlf = false\n";
}

void commit_all(const fs::path& dir, const std::string& message) {
  git(dir, {"add", "-A"});
  git(dir, {"commit", "-q", "-m", message});
}

pw::git::Repository open_repo(const fs::path& start) {
  auto repo = pw::git::Repository::discover(start);
  if (!repo)
    throw std::runtime_error("discover failed: " + repo.error().message);
  return std::move(repo).value();
}

ChangeSet changes(const pw::git::Repository& repo, const std::string& commit,
                  const std::string& target) {
  auto result = pw::git::changes_since(repo, commit, target);
  if (!result)
    throw std::runtime_error("changes_since failed: " + result.error().message);
  return std::move(result).value();
}

std::vector<std::string> git_diff(const fs::path& dir, const std::string& from,
                                  const std::string& to) {
  const std::string out = git(dir, {"diff", "--name-only", "--no-renames", from, to});
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < out.size()) {
    const std::size_t end = std::min(out.find('\n', start), out.size());
    lines.push_back(out.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

/// main: c1 (services/api, services/web, README) → c2 (README)
/// feature (from c1): f1 (services/api/a.py) → f2 (libs/x.py)
class GitChangesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::canonical(dir_.path()) / "repo";
    init_repo(root_);
    write_file(root_ / "README", "r\n");
    write_file(root_ / "services/api/a.py", "a\n");
    write_file(root_ / "services/web/w.js", "w\n");
    commit_all(root_, "c1");
    git(root_, {"checkout", "-q", "-b", "feature"});
    write_file(root_ / "services/api/a.py", "a2\n");
    commit_all(root_, "f1");
    write_file(root_ / "libs/x.py", "x\n");
    commit_all(root_, "f2");
    git(root_, {"checkout", "-q", "main"});
    write_file(root_ / "README", "r2\n");
    commit_all(root_, "c2");
  }

  pw::TempDir dir_{"pw-git-changes"};
  fs::path root_;
};

TEST_F(GitChangesTest, AgainstTheMergeBaseWithTheTarget) {
  const auto repo = open_repo(root_);
  const ChangeSet set = changes(repo, "feature", "main");
  ASSERT_EQ(set.scope, ChangeSet::Scope::listed);
  const std::string base = git(root_, {"merge-base", "feature", "main"});
  EXPECT_EQ(set.base, base);
  EXPECT_EQ(set.paths, git_diff(root_, base, "feature"));
  EXPECT_EQ(set.paths, (std::vector<std::string>{"libs/x.py", "services/api/a.py"}));
  EXPECT_NE(set.note.find("2 files changed since"), std::string::npos) << set.note;
  EXPECT_NE(set.note.find("merge base with 'main'"), std::string::npos) << set.note;
}

TEST_F(GitChangesTest, ACommitAlreadyOnTheTargetComparesWithItsParent) {
  const auto repo = open_repo(root_);
  const ChangeSet set = changes(repo, "main", "main");
  ASSERT_EQ(set.scope, ChangeSet::Scope::listed);
  EXPECT_EQ(set.paths, (std::vector<std::string>{"README"}));
  EXPECT_EQ(set.base, git(root_, {"rev-parse", "main~1"}));
  EXPECT_NE(set.note.find("is already on 'main'"), std::string::npos) << set.note;
  // an ancestor of the target: also its own changes
  EXPECT_EQ(changes(repo, "feature~1", "feature").paths,
            (std::vector<std::string>{"services/api/a.py"}));
}

TEST_F(GitChangesTest, ARootCommitOnTheTargetSelectsEverything) {
  const auto repo = open_repo(root_);
  const ChangeSet set = changes(repo, "main~1", "main~1");
  EXPECT_EQ(set.scope, ChangeSet::Scope::everything);
  EXPECT_NE(set.note.find("has no parent"), std::string::npos) << set.note;
}

TEST_F(GitChangesTest, AnUnknownTargetSelectsEverythingWithANote) {
  const auto repo = open_repo(root_);
  const ChangeSet set = changes(repo, "feature", "origin/nope");
  EXPECT_EQ(set.scope, ChangeSet::Scope::everything);
  EXPECT_NE(set.note.find("'origin/nope' is not known here"), std::string::npos) << set.note;
  EXPECT_FALSE(pw::git::changes_since(repo, "no-such-commit", "main"));
}

TEST_F(GitChangesTest, UnrelatedHistoriesSelectEverything) {
  git(root_, {"checkout", "-q", "--orphan", "other"});
  write_file(root_ / "other.txt", "o\n");
  commit_all(root_, "o1");
  const auto repo = open_repo(root_);
  const ChangeSet set = changes(repo, "other", "main");
  EXPECT_EQ(set.scope, ChangeSet::Scope::everything);
  EXPECT_NE(set.note.find("no merge base"), std::string::npos) << set.note;
}

TEST_F(GitChangesTest, AShallowCloneWithoutTheMergeBaseSaysToFetchMore) {
  const fs::path clone = fs::canonical(dir_.path()) / "clone";
  git(dir_.path(), {"clone", "-q", "--depth", "1", "--no-single-branch", "file://" + root_.string(),
                    clone.string()});
  const auto repo = open_repo(clone);
  EXPECT_TRUE(pw::git::is_shallow(repo));
  const ChangeSet set = changes(repo, "origin/feature", "origin/main");
  EXPECT_EQ(set.scope, ChangeSet::Scope::everything);
  EXPECT_NE(set.note.find("shallow clone"), std::string::npos) << set.note;
  EXPECT_FALSE(pw::git::is_shallow(open_repo(root_)));
}

TEST_F(GitChangesTest, HooksDirFollowsCoreHooksPathAndWorktrees) {
  const auto repo = open_repo(root_);
  EXPECT_EQ(pw::git::hooks_dir(repo).value(), root_ / ".git" / "hooks");
  const fs::path linked = fs::canonical(dir_.path()) / "linked";
  git(root_, {"worktree", "add", "-q", linked.string(), "feature"});
  EXPECT_EQ(pw::git::hooks_dir(open_repo(linked)).value(), root_ / ".git" / "hooks");
  git(root_, {"config", "core.hooksPath", ".githooks"});
  EXPECT_EQ(pw::git::hooks_dir(open_repo(root_)).value(), root_ / ".githooks");
  git(root_, {"config", "core.hooksPath", "/elsewhere/hooks"});
  EXPECT_EQ(pw::git::hooks_dir(open_repo(root_)).value(), fs::path("/elsewhere/hooks"));
}

TEST_F(GitChangesTest, CommitTreeReadsFilesAndProbesPathsAsCommitted) {
  fs::create_symlink("services/api", root_ / "api-link");
  fs::create_symlink("../outside", root_ / "escape-link");
  commit_all(root_, "links");
  write_file(root_ / "README", "dirty working copy\n");
  const auto repo = open_repo(root_);
  auto tree = pw::git::CommitTree::open(repo, "HEAD");
  ASSERT_TRUE(tree);
  EXPECT_EQ(tree.value().read_file("README").value(), "r2\n");
  EXPECT_FALSE(tree.value().read_file("services"));
  EXPECT_FALSE(tree.value().read_file("missing"));
  const pw::hook::CommitPathProbe probe(tree.value());
  using pw::spec::PathState;
  EXPECT_EQ(probe.probe("README"), PathState::file);
  EXPECT_EQ(probe.probe("services/api"), PathState::directory);
  EXPECT_EQ(probe.probe("./services/../services/web/w.js"), PathState::file);
  EXPECT_EQ(probe.probe("api-link/a.py"), PathState::file);
  EXPECT_EQ(probe.probe("libs"), PathState::missing);  // only on the feature branch
  EXPECT_EQ(probe.probe("escape-link"), PathState::escapes_repository);
  EXPECT_EQ(probe.probe("../x"), PathState::escapes_repository);
  EXPECT_EQ(probe.probe("/etc"), PathState::escapes_repository);
  EXPECT_EQ(probe.probe("README/x"), PathState::missing);
}

}  // namespace
