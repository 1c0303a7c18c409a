// The git adapter's exports against real repositories made with the git CLI: what lands in
// the destination is compared file by file with what git says the commit (or index) holds.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "git/repository.hpp"
#include "git/tree_export.hpp"

namespace {

namespace fs = std::filesystem;

/// Output of a finished command.
struct Ran {
  int exit_code = -1;
  std::string out;  ///< stdout, byte for byte
};

/// Runs argv (looked up in PATH) without a shell, capturing stdout; stdin is `stdin_file` (or
/// /dev/null), stderr goes to the test's log. Only the test harness starts processes this way.
Ran run(const std::vector<std::string>& argv, const fs::path& stdin_file = {}) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) {
    throw std::runtime_error("pipe failed");
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    throw std::runtime_error("fork failed");
  }
  if (pid == 0) {
    const int in = ::open(stdin_file.empty() ? "/dev/null" : stdin_file.c_str(), O_RDONLY);
    if (in < 0) {
      ::_exit(126);
    }
    ::dup2(in, STDIN_FILENO);
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    std::vector<char*> args;
    for (const std::string& arg : argv) {
      args.push_back(const_cast<char*>(arg.c_str()));
    }
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  Ran ran;
  char buffer[8192];
  for (;;) {
    const ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    ran.out.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ran.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return ran;
}

/// Runs `git -C dir args...`; throws (failing the test) unless it exits 0. Returns stdout.
std::string git_raw(const fs::path& dir, const std::vector<std::string>& args,
                    const fs::path& stdin_file = {}) {
  std::vector<std::string> argv = {"git", "-C", dir.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  Ran ran = run(argv, stdin_file);
  if (ran.exit_code != 0) {
    std::string command;
    for (const std::string& arg : argv) {
      command += arg + " ";
    }
    throw std::runtime_error("command failed (" + std::to_string(ran.exit_code) + "): " + command);
  }
  return ran.out;
}

/// Like git_raw, without the trailing newline (for one-line answers such as rev-parse).
std::string git(const fs::path& dir, const std::vector<std::string>& args,
                const fs::path& stdin_file = {}) {
  std::string out = git_raw(dir, args, stdin_file);
  while (!out.empty() && out.back() == '\n') {
    out.pop_back();
  }
  return out;
}

/// Splits NUL-terminated records (the output of git's -z options).
std::set<std::string> split_nul(const std::string& text) {
  std::set<std::string> items;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\0', start);
    items.insert(text.substr(start, end - start));
    if (end == std::string::npos) {
      break;
    }
    start = end + 1;
  }
  return items;
}

void write_file(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) {
    throw std::runtime_error("cannot write " + path.string());
  }
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

/// A fresh directory under the system temp dir, removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "pw-git-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    path_ = fs::canonical(pattern);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ignored);
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

/// `git init` with a fixed identity and no user-level surprises (signing, eol conversion).
void init_repo(const fs::path& dir, const std::vector<std::string>& extra_init_args = {}) {
  std::vector<std::string> args = {"init", "-q", "-b", "main"};
  args.insert(args.end(), extra_init_args.begin(), extra_init_args.end());
  fs::create_directories(dir);
  git(dir, args);
  // Appended to the repository's own config (one process instead of five `git config`).
  std::ofstream config(fs::path(git(dir, {"rev-parse", "--absolute-git-dir"})) / "config",
                       std::ios::app);
  config << "[user]\n\tname = Pipewright Test\n\temail = test@pipewright.invalid\n"
         << "[commit]\n\tgpgsign = false\n[tag]\n\tgpgsign = false\n"
         << "[core]\n\tautocrlf = false\n";
}

void commit_all(const fs::path& dir, const std::string& message) {
  git(dir, {"add", "-A"});
  git(dir, {"commit", "-q", "-m", message});
}

using pw::git::ExportStats;
using pw::git::GitFailure;
using pw::git::Repository;

Repository open_repo(const fs::path& start) {
  auto repo = Repository::discover(start);
  if (!repo) {
    throw std::runtime_error("discover failed: " + repo.error().message);
  }
  return std::move(repo).value();
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

  std::set<std::string> git_tracked(const std::string& commit) {
    return split_nul(git_raw(root_, {"ls-tree", "-r", "-z", "--name-only", commit}));
  }

  ExportStats export_ok(const std::string& commit, const fs::path& dest) {
    const Repository repo = open_repo(root_);
    auto stats = pw::git::export_tree(repo, commit, dest);
    if (!stats) {
      throw std::runtime_error("export failed: " + stats.error().message);
    }
    return stats.value();
  }

  TempDir dir_;
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
            split_nul(git_raw(root_, {"ls-tree", "-r", "-d", "-z", "--name-only", "HEAD"})));
}

TEST_F(GitTreeExportTest, FileContentsEqualGitShow) {
  export_ok("HEAD", dest_);
  for (const std::string& path : git_tracked("HEAD")) {
    if (fs::is_symlink(dest_ / path)) {
      continue;
    }
    EXPECT_EQ(read_file(dest_ / path), git_raw(root_, {"show", "HEAD:" + path})) << path;
  }
  EXPECT_EQ(read_file(dest_ / "binary.bin"), k_binary);
  EXPECT_EQ(fs::file_size(dest_ / "empty.txt"), 0U);
}

TEST_F(GitTreeExportTest, ExecutableBitIsPreservedAndModesIgnoreTheUmask) {
  ASSERT_EQ(git(root_, {"ls-tree", "HEAD", "run.sh"}).substr(0, 6), "100755");
  ASSERT_EQ(git(root_, {"ls-tree", "HEAD", "README.md"}).substr(0, 6), "100644");
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
  ASSERT_TRUE(fs::is_symlink(dest_ / "link"));
  EXPECT_EQ(fs::read_symlink(dest_ / "link").string(), git_raw(root_, {"show", "HEAD:link"}));
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
  ASSERT_EQ(git(root_, {"ls-tree", "HEAD", "vendor/lib"}).substr(0, 6), "160000");

  const ExportStats stats = export_ok("HEAD", dest_);
  EXPECT_EQ(stats.submodules_skipped, 1U);
  EXPECT_FALSE(fs::exists(dest_ / "vendor/lib"));
  std::set<std::string> expected = git_tracked("HEAD");
  expected.erase("vendor/lib");
  EXPECT_EQ(exported_entries(dest_), expected);
}

/// Builds a commit whose tree holds `name` -> a tree with "pwned.txt" (git mktree accepts
/// names that a checkout would refuse).
std::string commit_with_hostile_entry(const fs::path& root, const std::string& name) {
  const fs::path blob_file = root / ".." / "hostile-blob";
  write_file(blob_file, "pwned\n");
  const std::string blob = git(root, {"hash-object", "-w", blob_file.string()});
  const fs::path inner_listing = root / ".." / "inner-listing";
  write_file(inner_listing, "100644 blob " + blob + "\tpwned.txt\n");
  const std::string inner = git(root, {"mktree"}, inner_listing);
  const fs::path outer_listing = root / ".." / "outer-listing";
  write_file(outer_listing,
             "100644 blob " + blob + "\tfine.txt\n040000 tree " + inner + "\t" + name + "\n");
  const std::string outer = git(root, {"mktree"}, outer_listing);
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
  for (const std::string& path : split_nul(git_raw(root_, {"ls-files", "-z"}))) {
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
  EXPECT_NE(git_raw(root_, {"status", "--porcelain", "--", "deep/a/b/c/d.txt"}).find(" D "),
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
