// The git adapter's exports against real repositories made with the git CLI: what lands in
// the destination is compared file by file with what git says the commit (or index) holds.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "git/repository.hpp"
#include "git/tree_export.hpp"
#include "proc/process.hpp"
#include "support/git_cli.hpp"
#include "util/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using pw::test::git;
using pw::test::run;
using pw::test::split_nul;
using pw::test::write_file;

/// A fresh temporary directory, named by its canonical path (the form git prints).
class Scratch {
 public:
  const fs::path& path() const { return path_; }

 private:
  pw::TempDir dir_{"pw-git-test"};
  fs::path path_ = fs::canonical(dir_.path());
};

/// `git init` on branch main, with a fixed identity and no user-level surprises (signing,
/// eol conversion) written straight into the new repository's config.
void init_repo(const fs::path& dir) {
  fs::create_directories(dir);
  git(dir, {"init", "-q", "-b", "main"});
  std::ofstream config(dir / ".git" / "config", std::ios::app);
  config << "[user]\n\tname = Pipewright Test\n\temail = test@pipewright.invalid\n"
         << "[commit]\n\tgpgsign = false\n[tag]\n\tgpgsign = false\n"
         << "[core]\n\tautocrlf = false\n";
}

void commit_all(const fs::path& dir, const std::string& message) {
  git(dir, {"add", "-A"});
  git(dir, {"commit", "-q", "-m", message});
}

pw::git::Repository open_repo(const fs::path& start) {
  auto repo = pw::git::Repository::discover(start);
  if (!repo) {
    throw std::runtime_error("discover failed: " + repo.error().message);
  }
  return std::move(repo).value();
}

using pw::git::ExportStats;
using pw::git::GitFailure;
using pw::git::Repository;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

/// Every regular file and symlink below dir (symlinks not followed), relative, '/'-separated.
std::set<std::string> exported_entries(const fs::path& dir) {
  std::set<std::string> entries;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it) {
    if (it->is_symlink() || it->is_regular_file()) {
      entries.insert(it->path().lexically_relative(dir).generic_string());
    }
  }
  return entries;
}

/// Every directory below dir, relative.
std::set<std::string> exported_directories(const fs::path& dir) {
  std::set<std::string> dirs;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it) {
    if (!it->is_symlink() && it->is_directory()) {
      dirs.insert(it->path().lexically_relative(dir).generic_string());
    }
  }
  return dirs;
}

mode_t mode_bits(const fs::path& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) {
    throw std::runtime_error("lstat failed: " + path.string());
  }
  return info.st_mode & 07777;
}

/// One entry of `git ls-tree -r`: its mode ("100644", "120000", ...) and object id.
struct TreeEntry {
  std::string mode;
  std::string oid;
};

const std::string k_binary("\x00\x01\xff\xfe binary \x00 end", 18);

/// A committed tree with every kind of entry:
///   README.md, run.sh (+x), src/app.py, empty.txt, binary.bin, "my file.txt",
///   "données/été.txt", deep/a/b/c/d.txt, link -> src/app.py, dangling -> ../outside,
///   .gitignore (*.log)
/// plus, not committed: untracked.txt, debug.log (ignored).
class GitTreeExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_.path() / "repo";
    init_repo(root_);
    write_file(root_ / "README.md", "# demo\n");
    write_file(root_ / "run.sh", "#!/bin/sh\necho run\n");
    fs::permissions(root_ / "run.sh", fs::perms::owner_exec | fs::perms::group_exec,
                    fs::perm_options::add);
    write_file(root_ / "src/app.py", "print('app')\n");
    write_file(root_ / "empty.txt", "");
    write_file(root_ / "binary.bin", k_binary);
    write_file(root_ / "my file.txt", "spaces\n");
    write_file(root_ / "données/été.txt", "unicode\n");
    write_file(root_ / "deep/a/b/c/d.txt", "deep\n");
    fs::create_symlink("src/app.py", root_ / "link");
    fs::create_symlink("../outside", root_ / "dangling");
    write_file(root_ / ".gitignore", "*.log\n");
    commit_all(root_, "first");
    write_file(root_ / "untracked.txt", "not tracked\n");
    write_file(root_ / "debug.log", "ignored\n");
    dest_ = dir_.path() / "out";
  }

  /// `git ls-tree -r --name-only`: every file, symlink and gitlink path of the commit.
  std::set<std::string> git_tracked(const std::string& commit) {
    return split_nul(git(root_, {"ls-tree", "-r", "-z", "--name-only", commit}));
  }

  /// `git ls-tree -r`: path -> mode and object id.
  std::map<std::string, TreeEntry> git_entries(const std::string& commit) {
    std::map<std::string, TreeEntry> entries;
    for (const std::string& record : split_nul(git(root_, {"ls-tree", "-r", "-z", commit}))) {
      // "<mode> SP <type> SP <oid> TAB <path>"
      const std::size_t tab = record.find('\t');
      const std::size_t first_space = record.find(' ');
      const std::size_t second_space = record.find(' ', first_space + 1);
      entries[record.substr(tab + 1)] = TreeEntry{
          record.substr(0, first_space), record.substr(second_space + 1, tab - second_space - 1)};
    }
    return entries;
  }

  ExportStats export_ok(const std::string& commit, const fs::path& dest) {
    const Repository repo = open_repo(root_);
    auto stats = pw::git::export_tree(repo, commit, dest);
    if (!stats) {
      throw std::runtime_error("export failed: " + stats.error().message);
    }
    return stats.value();
  }

  Scratch dir_;
  fs::path root_;
  fs::path dest_;
};

TEST_F(GitTreeExportTest, ExportsExactlyTheTrackedFilesOfTheCommit) {
  export_ok("HEAD", dest_);
  const std::set<std::string> exported = exported_entries(dest_);
  EXPECT_EQ(exported, git_tracked("HEAD"));
  EXPECT_FALSE(exported.count("untracked.txt"));
  EXPECT_FALSE(exported.count("debug.log"));
  EXPECT_FALSE(fs::exists(dest_ / ".git"));
  EXPECT_TRUE(exported.count("my file.txt"));
  EXPECT_TRUE(exported.count("données/été.txt"));
  EXPECT_EQ(exported_directories(dest_),
            split_nul(git(root_, {"ls-tree", "-r", "-d", "-z", "--name-only", "HEAD"})));
}

TEST_F(GitTreeExportTest, FileContentsAreTheCommittedBlobs) {
  export_ok("HEAD", dest_);
  // git hashes each exported file; the ids must be the blobs of the commit, byte for byte.
  std::vector<std::string> args = {"hash-object", "--no-filters", "--"};
  std::vector<std::string> expected;
  for (const auto& [path, entry] : git_entries("HEAD")) {
    if (entry.mode == "100644" || entry.mode == "100755") {
      args.push_back((dest_ / path).string());
      expected.push_back(entry.oid);
    }
  }
  ASSERT_GE(expected.size(), 8U);
  std::vector<std::string> actual;
  std::istringstream lines(git(root_, args));
  for (std::string line; std::getline(lines, line);) {
    actual.push_back(line);
  }
  EXPECT_EQ(actual, expected);
  EXPECT_EQ(read_file(dest_ / "binary.bin"), k_binary);
  EXPECT_EQ(read_file(dest_ / "my file.txt"), "spaces\n");
  EXPECT_EQ(fs::file_size(dest_ / "empty.txt"), 0U);
}

TEST_F(GitTreeExportTest, ExecutableBitIsPreservedAndModesIgnoreTheUmask) {
  ASSERT_EQ(git_entries("HEAD")["run.sh"].mode, "100755");
  ASSERT_EQ(git_entries("HEAD")["README.md"].mode, "100644");
  const mode_t previous = ::umask(077);
  const ExportStats stats = export_ok("HEAD", dest_);
  ::umask(previous);
  EXPECT_EQ(mode_bits(dest_ / "run.sh"), 0755U);
  EXPECT_EQ(mode_bits(dest_ / "README.md"), 0644U);
  EXPECT_EQ(mode_bits(dest_ / "src"), 0755U);
  EXPECT_EQ(stats.executables, 1U);
}

TEST_F(GitTreeExportTest, SymlinksStaySymlinksAndAreNotFollowed) {
  const ExportStats stats = export_ok("HEAD", dest_);
  ASSERT_EQ(git_entries("HEAD")["link"].mode, "120000");
  ASSERT_TRUE(fs::is_symlink(dest_ / "link"));
  EXPECT_EQ(fs::read_symlink(dest_ / "link").string(),
            git(root_, {"cat-file", "blob", "HEAD:link"}));
  EXPECT_EQ(read_file(dest_ / "link"), "print('app')\n");  // resolves inside the export
  ASSERT_TRUE(fs::is_symlink(dest_ / "dangling"));
  EXPECT_EQ(fs::read_symlink(dest_ / "dangling").string(), "../outside");
  EXPECT_FALSE(fs::exists(dir_.path() / "outside"));
  EXPECT_EQ(stats.symlinks, 2U);
}

TEST_F(GitTreeExportTest, StatsCountWhatWasWritten) {
  const ExportStats stats = export_ok("HEAD", dest_);
  const std::set<std::string> tracked = git_tracked("HEAD");
  EXPECT_EQ(stats.files + stats.symlinks, tracked.size());
  EXPECT_EQ(stats.files, tracked.size() - 2);
  std::uintmax_t bytes = 0;
  for (const std::string& path : tracked) {
    if (!fs::is_symlink(dest_ / path)) {
      bytes += fs::file_size(dest_ / path);
    }
  }
  EXPECT_EQ(stats.bytes, bytes);
  EXPECT_EQ(stats.directories, exported_directories(dest_).size());
  EXPECT_EQ(stats.submodules_skipped, 0U);
  EXPECT_EQ(stats.deleted_skipped, 0U);
}

TEST_F(GitTreeExportTest, ExportsTheCommitNotTheWorkingCopy) {
  const std::string first = git(root_, {"rev-parse", "HEAD"});
  write_file(root_ / "README.md", "# changed in the working copy\n");
  write_file(root_ / "later.txt", "later\n");
  fs::remove(root_ / "src/app.py");
  commit_all(root_, "second");
  write_file(root_ / "README.md", "# uncommitted edit\n");

  export_ok("HEAD", dest_);
  EXPECT_EQ(exported_entries(dest_), git_tracked("HEAD"));
  EXPECT_EQ(read_file(dest_ / "README.md"), "# changed in the working copy\n");

  const fs::path older = dir_.path() / "older";
  export_ok(first.substr(0, 10), older);
  EXPECT_EQ(exported_entries(older), git_tracked(first));
  EXPECT_EQ(read_file(older / "README.md"), "# demo\n");
  EXPECT_TRUE(fs::exists(older / "src/app.py"));
  EXPECT_FALSE(fs::exists(older / "later.txt"));
}

TEST_F(GitTreeExportTest, SubmodulesAreSkippedAndCounted) {
  const std::string commit = git(root_, {"rev-parse", "HEAD"});
  git(root_, {"update-index", "--add", "--cacheinfo", "160000," + commit + ",vendor/lib"});
  git(root_, {"commit", "-q", "-m", "add a gitlink"});
  ASSERT_EQ(git_entries("HEAD")["vendor/lib"].mode, "160000");

  const ExportStats stats = export_ok("HEAD", dest_);
  EXPECT_EQ(stats.submodules_skipped, 1U);
  EXPECT_FALSE(fs::exists(dest_ / "vendor/lib"));
  std::set<std::string> expected = git_tracked("HEAD");
  expected.erase("vendor/lib");
  EXPECT_EQ(exported_entries(dest_), expected);
}

/// A commit whose tree holds "fine.txt" and `name` -> a tree with "pwned.txt" (git mktree
/// accepts names that a checkout would refuse).
std::string commit_with_hostile_entry(const fs::path& root, const std::string& name) {
  const std::string blob = git(root, {"hash-object", "-w", "--stdin"}, "pwned\n");
  const std::string inner = git(root, {"mktree"}, "100644 blob " + blob + "\tpwned.txt\n");
  const std::string outer =
      git(root, {"mktree"},
          "100644 blob " + blob + "\tfine.txt\n040000 tree " + inner + "\t" + name + "\n");
  return git(root, {"commit-tree", outer, "-m", "hostile"});
}

TEST_F(GitTreeExportTest, RefusesEntriesThatWouldEscapeTheDestination) {
  for (const std::string name : {"..", ".git", ".GIT"}) {
    const std::string commit = commit_with_hostile_entry(root_, name);
    const fs::path dest = dir_.path() / "sandbox" / "out";
    const Repository repo = open_repo(root_);
    const auto result = pw::git::export_tree(repo, commit, dest);
    ASSERT_FALSE(result) << name;
    EXPECT_NE(result.error().message.find("refusing"), std::string::npos) << result.error().message;
    EXPECT_FALSE(fs::exists(dir_.path() / "sandbox" / "pwned.txt")) << name;
    EXPECT_FALSE(fs::exists(dest)) << "a failed export leaves nothing behind (" << name << ")";
    fs::remove_all(dir_.path() / "sandbox");
  }
}

TEST_F(GitTreeExportTest, RefusesANonEmptyDestination) {
  write_file(dest_ / "keep.txt", "mine\n");
  const Repository repo = open_repo(root_);
  const auto result = pw::git::export_tree(repo, "HEAD", dest_);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("not an empty directory"), std::string::npos)
      << result.error().message;
  EXPECT_EQ(read_file(dest_ / "keep.txt"), "mine\n");
  EXPECT_EQ(exported_entries(dest_), std::set<std::string>{"keep.txt"});
}

TEST_F(GitTreeExportTest, AcceptsAnExistingEmptyDestinationAndCreatesMissingParents) {
  fs::create_directories(dest_);
  export_ok("HEAD", dest_);
  EXPECT_EQ(exported_entries(dest_), git_tracked("HEAD"));
  const fs::path nested = dir_.path() / "a" / "b" / "c";
  export_ok("HEAD", nested);
  EXPECT_EQ(exported_entries(nested), git_tracked("HEAD"));
}

TEST_F(GitTreeExportTest, UnbornRepositoryGivesTheClearError) {
  const fs::path fresh = dir_.path() / "fresh";
  init_repo(fresh);
  write_file(fresh / "staged.txt", "s\n");
  git(fresh, {"add", "staged.txt"});
  const Repository repo = open_repo(fresh);
  const auto result = pw::git::export_tree(repo, "HEAD", dest_);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("repository has no commits yet"), std::string::npos)
      << result.error().message;
  EXPECT_FALSE(fs::exists(dest_));

  // The working-copy export needs no commit: the index is enough.
  auto worktree = pw::git::export_worktree_tracked(repo, dest_);
  ASSERT_TRUE(worktree) << worktree.error().message;
  EXPECT_EQ(exported_entries(dest_), std::set<std::string>{"staged.txt"});
}

TEST_F(GitTreeExportTest, UnknownRevisionFailsWithoutTouchingTheDestination) {
  const Repository repo = open_repo(root_);
  const auto result = pw::git::export_tree(repo, "no-such-branch", dest_);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("no-such-branch"), std::string::npos);
  EXPECT_FALSE(fs::exists(dest_));
}

// ---- working copy (--dirty builds) ----------------------------------------------------------

TEST_F(GitTreeExportTest, WorktreeExportCopiesTheWorkingCopyOfTrackedFiles) {
  write_file(root_ / "README.md", "# edited, not committed\n");
  fs::permissions(root_ / "README.md", fs::perms::owner_exec, fs::perm_options::add);
  write_file(root_ / "staged.txt", "staged, not committed\n");
  git(root_, {"add", "staged.txt"});
  fs::remove(root_ / "src/app.py");  // tracked, deleted in the working copy

  const Repository repo = open_repo(root_);
  auto result = pw::git::export_worktree_tracked(repo, dest_);
  ASSERT_TRUE(result) << result.error().message;
  const ExportStats stats = result.value();

  std::set<std::string> expected;
  for (const std::string& path : split_nul(git(root_, {"ls-files", "-z"}))) {
    if (fs::exists(fs::symlink_status(root_ / path))) {
      expected.insert(path);
    }
  }
  EXPECT_EQ(exported_entries(dest_), expected);
  EXPECT_FALSE(fs::exists(dest_ / "src/app.py"));
  EXPECT_FALSE(fs::exists(dest_ / "src")) << "no directory for files that are all deleted";
  EXPECT_FALSE(fs::exists(dest_ / "untracked.txt"));
  EXPECT_FALSE(fs::exists(dest_ / "debug.log"));
  EXPECT_EQ(stats.deleted_skipped, 1U);

  for (const std::string& path : expected) {
    if (!fs::is_symlink(dest_ / path)) {
      EXPECT_EQ(read_file(dest_ / path), read_file(root_ / path)) << path;
    }
  }
  EXPECT_EQ(read_file(dest_ / "README.md"), "# edited, not committed\n");
  EXPECT_EQ(mode_bits(dest_ / "README.md"), 0755U);
  EXPECT_EQ(mode_bits(dest_ / "run.sh"), 0755U);
  EXPECT_EQ(mode_bits(dest_ / "empty.txt"), 0644U);
  ASSERT_TRUE(fs::is_symlink(dest_ / "link"));
  EXPECT_EQ(fs::read_symlink(dest_ / "link"), fs::path("src/app.py"));
  EXPECT_EQ(fs::read_symlink(dest_ / "dangling"), fs::path("../outside"));
  EXPECT_EQ(stats.symlinks, 2U);
  EXPECT_EQ(stats.files + stats.symlinks, expected.size());
  EXPECT_EQ(stats.executables, 2U);
}

TEST_F(GitTreeExportTest, WorktreeExportHonoursCoreFileModeFalse) {
  git(root_, {"config", "core.fileMode", "false"});
  fs::permissions(root_ / "run.sh", fs::perms::all, fs::perm_options::remove);
  fs::permissions(root_ / "run.sh", fs::perms::owner_read | fs::perms::owner_write,
                  fs::perm_options::add);
  fs::permissions(root_ / "README.md", fs::perms::owner_exec, fs::perm_options::add);
  const Repository repo = open_repo(root_);
  auto result = pw::git::export_worktree_tracked(repo, dest_);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(mode_bits(dest_ / "run.sh"), 0755U) << "the index says 100755";
  EXPECT_EQ(mode_bits(dest_ / "README.md"), 0644U) << "the index says 100644";
}

TEST_F(GitTreeExportTest, WorktreeExportDoesNotFollowADirectoryReplacedByASymlink) {
  const fs::path outside = dir_.path() / "secret";
  write_file(outside / "a/b/c/d.txt", "secret outside the repository\n");
  fs::remove_all(root_ / "deep");
  fs::create_directory_symlink(outside, root_ / "deep");

  const Repository repo = open_repo(root_);
  auto result = pw::git::export_worktree_tracked(repo, dest_);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_FALSE(fs::exists(dest_ / "deep/a/b/c/d.txt"));
  EXPECT_EQ(result.value().deleted_skipped, 1U);
  // git agrees: through a symlinked directory the tracked file is gone.
  EXPECT_NE(git(root_, {"status", "--porcelain", "--", "deep/a/b/c/d.txt"}).find(" D "),
            std::string::npos);
}

TEST_F(GitTreeExportTest, WorktreeExportSkipsSubmodules) {
  const std::string commit = git(root_, {"rev-parse", "HEAD"});
  git(root_, {"update-index", "--add", "--cacheinfo", "160000," + commit + ",vendor/lib"});
  const Repository repo = open_repo(root_);
  auto result = pw::git::export_worktree_tracked(repo, dest_);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result.value().submodules_skipped, 1U);
  EXPECT_FALSE(fs::exists(dest_ / "vendor"));
}

TEST_F(GitTreeExportTest, WorktreeExportRefusesABareRepository) {
  const fs::path bare = dir_.path() / "bare.git";
  git(dir_.path(), {"clone", "-q", "--bare", root_.string(), bare.string()});
  auto repo = Repository::discover(bare, pw::git::BareRepository::allow);
  ASSERT_TRUE(repo) << repo.error().message;
  const auto result = pw::git::export_worktree_tracked(repo.value(), dest_);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("bare repository"), std::string::npos);
  // The commit export works from a bare repository.
  auto stats = pw::git::export_tree(repo.value(), "HEAD", dir_.path() / "from-bare");
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_EQ(exported_entries(dir_.path() / "from-bare"), git_tracked("HEAD"));
}

}  // namespace
