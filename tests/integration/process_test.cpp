// Integration tests of pw::proc against real processes (sh, cat, awk, env, ...).

#include "proc/process.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace pw::proc {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Kind = ExitStatus::Kind;

/// A safety net so that a broken runner fails a test instead of hanging the suite.
constexpr auto k_safety_timeout = 30s;

Command make_command(std::vector<std::string> argv) {
  Command command;
  command.argv = std::move(argv);
  command.timeout = k_safety_timeout;
  return command;
}

/// `sh -c script sh args...`: data reaches the script as positional parameters, never spliced.
Command shell(const std::string& script, std::vector<std::string> args = {}) {
  std::vector<std::string> argv{"sh", "-c", script, "sh"};
  argv.insert(argv.end(), args.begin(), args.end());
  return make_command(std::move(argv));
}

Captured run_captured(const Command& command) {
  SystemProcessRunner runner;
  return capture(runner, command);
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// A fresh directory, removed with its contents at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "pw-proc-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

void write_file(const std::string& path, const std::string& content, std::filesystem::perms perms) {
  std::ofstream(path) << content;
  std::filesystem::permissions(path, perms);
}

/// Reads a pid a test script wrote; 0 when the file is missing or empty.
pid_t read_pid(const std::string& path) {
  std::ifstream in(path);
  pid_t pid = 0;
  in >> pid;
  return pid;
}

/// The state letter and process group of a process from /proc/<pid>/stat.
struct ProcStat {
  char state = '?';
  pid_t pgrp = 0;
};

bool parse_proc_stat(const std::string& text, ProcStat& stat) {
  const auto paren = text.rfind(')');  // the command name may hold spaces and parentheses
  if (paren == std::string::npos) {
    return false;
  }
  std::istringstream fields(text.substr(paren + 1));
  pid_t ppid = 0;
  fields >> stat.state >> ppid >> stat.pgrp;
  return static_cast<bool>(fields);
}

bool read_proc_stat(const std::filesystem::path& stat_file, ProcStat& stat) {
  std::ifstream in(stat_file);
  std::string text;  // a single line
  return static_cast<bool>(std::getline(in, text)) && parse_proc_stat(text, stat);
}

bool is_alive(const ProcStat& stat) {
  return stat.state != 'Z' && stat.state != 'X';
}

/// Processes of group pgid that have not exited; zombies do not count (our PID 1 may never
/// reap orphans, so kill(-pgid, 0) would still succeed on them).
int live_group_members(pid_t pgid) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    ProcStat stat;
    const auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") == std::string::npos &&
        read_proc_stat(entry.path() / "stat", stat) && stat.pgrp == pgid && is_alive(stat)) {
      ++count;
    }
  }
  return count;
}

bool process_alive(pid_t pid) {
  ProcStat stat;
  return read_proc_stat("/proc/" + std::to_string(pid) + "/stat", stat) && is_alive(stat);
}

/// Pids a test script wrote, one per line: its own ($$, the group id) first, then its
/// background children ($!).
std::vector<pid_t> read_pids(const std::string& path) {
  std::ifstream in(path);
  std::vector<pid_t> pids;
  for (pid_t pid = 0; in >> pid;) {
    pids.push_back(pid);
  }
  return pids;
}

/// True when neither a recorded process nor any other member of the group is alive.
/// Checking the recorded pids too keeps this from passing when no group was ever made.
bool tree_gone(const std::vector<pid_t>& pids) {
  for (const pid_t pid : pids) {
    if (process_alive(pid)) {
      return false;
    }
  }
  return live_group_members(pids.front()) == 0;
}

/// Polls pred for up to limit: a SIGKILLed process needs a moment to be scheduled and die.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 2000ms) {
  const auto deadline = Clock::now() + limit;
  while (!pred()) {
    if (Clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

/// Records every line with its stream.
struct Recorder {
  std::vector<std::pair<Stream, std::string>> lines;
  LineSink sink() {
    return [this](Stream stream, std::string_view line) { lines.emplace_back(stream, line); };
  }
};

// ---------------------------------------------------------------------------------------
// Exit status

TEST(ProcessExit, ZeroIsOk) {
  const auto result = run_captured(make_command({"true"}));
  EXPECT_EQ(result.status.kind, Kind::exited);
  EXPECT_EQ(result.status.code, 0);
  EXPECT_TRUE(result.status.ok());
  EXPECT_EQ(result.status.describe(), "exit code 0");
}

TEST(ProcessExit, NonZeroCodeIsReported) {
  const auto result = run_captured(shell("exit 3"));
  EXPECT_EQ(result.status.kind, Kind::exited);
  EXPECT_EQ(result.status.code, 3);
  EXPECT_FALSE(result.status.ok());
  EXPECT_EQ(result.status.describe(), "exit code 3");
}

TEST(ProcessExit, KilledBySignal) {
  const auto result = run_captured(shell("kill -9 $$"));
  EXPECT_EQ(result.status.kind, Kind::signaled);
  EXPECT_EQ(result.status.signal, SIGKILL);
  EXPECT_FALSE(result.status.ok());
  EXPECT_EQ(result.status.describe(), "killed by signal 9 (SIGKILL)");
}

TEST(ProcessExit, DescribeTexts) {
  ExitStatus status;
  status.kind = Kind::timed_out;
  EXPECT_EQ(status.describe(), "timed out");
  status.kind = Kind::cancelled;
  EXPECT_EQ(status.describe(), "cancelled");
  status.kind = Kind::signaled;
  status.signal = SIGTERM;
  EXPECT_EQ(status.describe(), "killed by signal 15 (SIGTERM)");
}

// ---------------------------------------------------------------------------------------
// Start failures

TEST(ProcessStart, MissingBinaryNamesTheProgram) {
  const auto result = run_captured(make_command({"pw-no-such-program-xyz", "arg"}));
  EXPECT_EQ(result.status.kind, Kind::failed_to_start);
  EXPECT_FALSE(result.status.ok());
  EXPECT_EQ(result.status.error,
            "could not start 'pw-no-such-program-xyz': No such file or directory");
  EXPECT_EQ(result.status.describe(), result.status.error);
}

TEST(ProcessStart, MissingAbsolutePath) {
  const auto result = run_captured(make_command({"/nonexistent/pw-tool"}));
  EXPECT_EQ(result.status.kind, Kind::failed_to_start);
  EXPECT_EQ(result.status.error,
            "could not start '/nonexistent/pw-tool': No such file or directory");
}

TEST(ProcessStart, NotExecutable) {
  TempDir dir;
  const auto script = dir.file("script.sh");
  write_file(script, "#!/bin/sh\necho hi\n",
             std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const auto result = run_captured(make_command({script}));
  EXPECT_EQ(result.status.kind, Kind::failed_to_start);
  EXPECT_EQ(result.status.error, "could not start '" + script + "': Permission denied");
}

TEST(ProcessStart, NotExecutableFoundInPath) {
  TempDir dir;
  write_file(dir.file("pw-tool"), "#!/bin/sh\n", std::filesystem::perms::owner_read);
  auto command = make_command({"pw-tool"});
  command.env["PATH"] = dir.path().string();
  const auto result = run_captured(command);
  EXPECT_EQ(result.status.kind, Kind::failed_to_start);
  EXPECT_EQ(result.status.error, "could not start 'pw-tool': Permission denied");
}

TEST(ProcessStart, BadWorkingDirectory) {
  auto command = make_command({"pwd"});
  command.working_dir = "/nonexistent/pw-dir";
  const auto result = run_captured(command);
  EXPECT_EQ(result.status.kind, Kind::failed_to_start);
  EXPECT_EQ(result.status.error,
            "could not start 'pwd': working directory '/nonexistent/pw-dir': No such file or "
            "directory");
}

TEST(ProcessStart, EmptyArgv) {
  const auto result = run_captured(make_command({}));
  EXPECT_EQ(result.status.kind, Kind::failed_to_start);
  EXPECT_FALSE(result.status.error.empty());
}

TEST(ProcessStart, ArgvIsPassedVerbatim) {
  const auto result =
      run_captured(shell("printf '%s|' \"$0\" \"$@\"", {"a b", "$HOME", "'q'", ""}));
  EXPECT_EQ(result.out, "sh|a b|$HOME|'q'||");
}

TEST(ProcessStart, ArgvZeroKeptAsGiven) {
  const auto result = run_captured(make_command({"sh", "-c", "echo $0"}));
  EXPECT_EQ(result.out, "sh");
}

TEST(ProcessStart, LooksUpTheChildsPath) {
  TempDir dir;
  write_file(dir.file("pw-hello"), "#!/bin/sh\necho hello from \"$0\"\n",
             std::filesystem::perms::owner_all);
  auto command = make_command({"pw-hello"});
  command.env["PATH"] = dir.path().string() + ":/usr/bin:/bin";
  const auto result = run_captured(command);
  ASSERT_TRUE(result.status.ok()) << result.status.describe();
  EXPECT_EQ(result.out, "hello from " + dir.file("pw-hello"));
}

// ---------------------------------------------------------------------------------------
// Environment and working directory

TEST(ProcessEnv, InheritsByDefault) {
  ::setenv("PW_PROC_TEST_INHERITED", "from parent", 1);
  const auto result = run_captured(shell("printf %s \"$PW_PROC_TEST_INHERITED\""));
  ::unsetenv("PW_PROC_TEST_INHERITED");
  EXPECT_EQ(result.out, "from parent");
}

TEST(ProcessEnv, EmptyBaseHoldsOnlyWhatIsSet) {
  ::setenv("PW_PROC_TEST_INHERITED", "from parent", 1);
  auto command = make_command({"env"});
  command.env_base = EnvBase::empty;
  command.env["ONLY"] = "1";
  const auto result = run_captured(command);
  ::unsetenv("PW_PROC_TEST_INHERITED");
  ASSERT_TRUE(result.status.ok()) << result.status.describe();
  EXPECT_EQ(result.out, "ONLY=1");
}

TEST(ProcessEnv, SetOverridesAndUnsetRemoves) {
  ::setenv("PW_PROC_TEST_OVERRIDE", "old", 1);
  ::setenv("PW_PROC_TEST_REMOVED", "present", 1);
  auto command = shell(
      "printf '%s,%s,%s' \"$PW_PROC_TEST_OVERRIDE\" "
      "\"${PW_PROC_TEST_REMOVED-unset}\" \"$PW_PROC_TEST_NEW\"");
  command.env["PW_PROC_TEST_OVERRIDE"] = "new";
  command.env["PW_PROC_TEST_NEW"] = "a value with spaces; $(not expanded)";
  command.env_unset = {"PW_PROC_TEST_REMOVED"};
  const auto result = run_captured(command);
  ::unsetenv("PW_PROC_TEST_OVERRIDE");
  ::unsetenv("PW_PROC_TEST_REMOVED");
  EXPECT_EQ(result.out, "new,unset,a value with spaces; $(not expanded)");
}

TEST(ProcessEnv, WorkingDirectory) {
  TempDir dir;
  auto command = make_command({"pwd", "-P"});
  command.working_dir = dir.path();
  const auto result = run_captured(command);
  ASSERT_TRUE(result.status.ok()) << result.status.describe();
  EXPECT_EQ(result.out, std::filesystem::canonical(dir.path()).string());
}

TEST(ProcessEnv, RelativeProgramResolvedInWorkingDirectory) {
  TempDir dir;
  write_file(dir.file("tool.sh"), "#!/bin/sh\necho tool ran\n", std::filesystem::perms::owner_all);
  auto command = make_command({"./tool.sh"});
  command.working_dir = dir.path();
  const auto result = run_captured(command);
  ASSERT_TRUE(result.status.ok()) << result.status.describe();
  EXPECT_EQ(result.out, "tool ran");
}

// ---------------------------------------------------------------------------------------
// stdin

TEST(ProcessStdin, ClosedWhenNoDataGiven) {
  // Our own stdin becomes a pipe nobody writes to: a child inheriting it would block.
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const int saved_stdin = ::dup(STDIN_FILENO);
  ::dup2(fds[0], STDIN_FILENO);
  auto command = make_command({"cat"});
  command.timeout = 5s;
  const auto start = Clock::now();
  const auto result = run_captured(command);
  const auto elapsed = seconds_since(start);
  const auto dev_null = run_captured(shell("readlink /proc/self/fd/0"));
  ::dup2(saved_stdin, STDIN_FILENO);
  for (int fd : {saved_stdin, fds[0], fds[1]}) {
    ::close(fd);
  }
  EXPECT_TRUE(result.status.ok()) << result.status.describe();
  EXPECT_EQ(result.out, "");
  EXPECT_LT(elapsed, 2.0);
  EXPECT_EQ(dev_null.out, "/dev/null");
}

TEST(ProcessStdin, DataRoundTripOneMiB) {
  std::string data;
  for (int i = 0; data.size() < 1024 * 1024; ++i) {
    data += "line " + std::to_string(i) + " of the stdin round trip\n";
  }
  auto command = make_command({"cat"});
  command.stdin_data = data;
  const auto result = run_captured(command);
  ASSERT_TRUE(result.status.ok()) << result.status.describe();
  data.pop_back();  // capture joins lines, so the last newline is not part of out
  EXPECT_EQ(result.out.size(), data.size());
  EXPECT_TRUE(result.out == data);
}

TEST(ProcessStdin, ChildThatIgnoresStdinDoesNotBreakUs) {
  // Writing to a pipe nobody reads raises SIGPIPE; it must not kill the test process.
  auto command = shell("exec 0<&-; echo closed");
  command.stdin_data = std::string(4 * 1024 * 1024, 'x');
  const auto result = run_captured(command);
  EXPECT_TRUE(result.status.ok()) << result.status.describe();
  EXPECT_EQ(result.out, "closed");
}

TEST(ProcessStdin, ChildGetsDefaultSignals) {
  // Applications block signals for a signal thread or ignore SIGPIPE; children must not
  // inherit either, or `yes` would see EPIPE and complain instead of dying quietly.
  sigset_t blocked;
  sigset_t previous_mask;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGPIPE);
  sigaddset(&blocked, SIGINT);
  ASSERT_EQ(::pthread_sigmask(SIG_BLOCK, &blocked, &previous_mask), 0);
  struct sigaction ignore {};
  struct sigaction previous_action {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &previous_action);
  const auto pipeline = run_captured(shell("yes | head -n 1"));
  const auto status =
      run_captured(make_command({"grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"}));
  ::sigaction(SIGPIPE, &previous_action, nullptr);
  ::pthread_sigmask(SIG_SETMASK, &previous_mask, nullptr);
  EXPECT_TRUE(pipeline.status.ok()) << pipeline.status.describe();
  EXPECT_EQ(pipeline.out, "y");
  EXPECT_EQ(pipeline.err, "");
  const auto lines = split_lines(status.out);
  ASSERT_EQ(lines.size(), 2u) << status.out;
  EXPECT_EQ(lines[0], "SigBlk:\t0000000000000000");
  const auto ignored = std::stoull(lines[1].substr(lines[1].find('\t') + 1), nullptr, 16);
  EXPECT_EQ(ignored & (1ull << (SIGPIPE - 1)), 0u) << lines[1];
}

// ---------------------------------------------------------------------------------------
// Output

TEST(ProcessOutput, LargeInterleavedStreamsStayIntactAndOrdered) {
  constexpr int k_lines = 65536;  // about 5 MB per stream
  const std::string pad(64, 'p');
  const auto command = make_command(
      {"awk", "-v", "n=" + std::to_string(k_lines), "-v", "pad=" + pad,
       "BEGIN { for (i = 0; i < n; i++) {"
       " printf \"out %08d %s\\n\", i, pad; fflush();"
       " printf \"err %08d %s\\n\", i, pad > \"/dev/stderr\"; fflush(\"/dev/stderr\") } }"});
  int next[2] = {0, 0};
  int bad = 0;
  char expected[128];
  SystemProcessRunner runner;
  const auto start = Clock::now();
  const auto status = runner.run(command, [&](Stream stream, std::string_view line) {
    const int index = stream == Stream::out ? 0 : 1;
    std::snprintf(expected, sizeof expected, "%s %08d %s", index == 0 ? "out" : "err",
                  next[index]++, pad.c_str());
    bad += line == expected ? 0 : 1;
  });
  EXPECT_TRUE(status.ok()) << status.describe();
  EXPECT_EQ(next[0], k_lines);
  EXPECT_EQ(next[1], k_lines);
  EXPECT_EQ(bad, 0);
  EXPECT_LT(seconds_since(start), 20.0);
}

TEST(ProcessOutput, FinalLineWithoutNewlineAndEmptyLines) {
  Recorder recorder;
  SystemProcessRunner runner;
  const auto status = runner.run(shell("printf 'a\\n\\nb'; printf 'e' >&2"), recorder.sink());
  EXPECT_TRUE(status.ok());
  const std::vector<std::pair<Stream, std::string>> out_lines = {
      {Stream::out, "a"}, {Stream::out, ""}, {Stream::out, "b"}};
  std::vector<std::pair<Stream, std::string>> got_out;
  std::vector<std::string> got_err;
  for (const auto& [stream, line] : recorder.lines) {
    if (stream == Stream::out) {
      got_out.emplace_back(stream, line);
    } else {
      got_err.push_back(line);
    }
  }
  EXPECT_EQ(got_out, out_lines);
  EXPECT_EQ(got_err, std::vector<std::string>{"e"});
}

TEST(ProcessOutput, CaptureKeepsStreamsApart) {
  const auto result = run_captured(shell("echo o1; echo e1 >&2; echo o2; echo e2 >&2"));
  EXPECT_EQ(result.out, "o1\no2");
  EXPECT_EQ(result.err, "e1\ne2");
}

TEST(ProcessOutput, LongLinesAreSplitIntoMiBChunks) {
  Recorder recorder;
  SystemProcessRunner runner;
  const auto status = runner.run(shell("head -c 3000000 /dev/zero | tr '\\0' a; echo; echo short"),
                                 recorder.sink());
  EXPECT_TRUE(status.ok()) << status.describe();
  std::vector<std::size_t> sizes;
  for (const auto& [stream, line] : recorder.lines) {
    sizes.push_back(line.size());
  }
  const std::vector<std::size_t> expected = {1048576, 1048576, 3000000 - 2 * 1048576, 5};
  EXPECT_EQ(sizes, expected);
}

TEST(ProcessOutput, SinkRunsOnTheCallingThread) {
  const auto caller = std::this_thread::get_id();
  int foreign = 0;
  SystemProcessRunner runner;
  runner.run(shell("seq 1 1000; seq 1 1000 >&2"),
             [&](Stream, std::string_view) { foreign += std::this_thread::get_id() != caller; });
  EXPECT_EQ(foreign, 0);
}

TEST(ProcessOutput, SinkExceptionPropagatesAndKillsTheTree) {
  TempDir dir;
  const auto pid_file = dir.file("pid");
  SystemProcessRunner runner;
  const auto start = Clock::now();
  EXPECT_THROW(
      runner.run(shell("echo $$ > \"$1\"; sleep 30 & echo $! >> \"$1\"; echo go; wait", {pid_file}),
                 [](Stream, std::string_view) { throw std::runtime_error("sink"); }),
      std::runtime_error);
  EXPECT_LT(seconds_since(start), 2.0);
  const auto pids = read_pids(pid_file);
  ASSERT_EQ(pids.size(), 2u);
  EXPECT_TRUE(eventually([&] { return tree_gone(pids); }));
}

// ---------------------------------------------------------------------------------------
// Timeouts, cancellation, process groups

TEST(ProcessTimeout, KillsTheWholeGroup) {
  TempDir dir;
  const auto pid_file = dir.file("pid");
  auto command = shell(
      "echo $$ > \"$1\"; sleep 30 >/dev/null 2>&1 & echo $! >> \"$1\";"
      " sleep 30 & echo $! >> \"$1\"; sleep 30; wait",
      {pid_file});
  command.timeout = 300ms;
  command.kill_grace = 1000ms;
  const auto start = Clock::now();
  const auto result = run_captured(command);
  const auto elapsed = seconds_since(start);
  EXPECT_EQ(result.status.kind, Kind::timed_out);
  EXPECT_EQ(result.status.describe(), "timed out");
  EXPECT_GE(elapsed, 0.3);
  EXPECT_LT(elapsed, 0.3 + 1.0 + 0.5);
  const auto pids = read_pids(pid_file);
  ASSERT_EQ(pids.size(), 3u);
  EXPECT_TRUE(eventually([&] { return tree_gone(pids); }))
      << live_group_members(pids.front()) << " processes of group " << pids.front() << " alive";
}

TEST(ProcessTimeout, SigtermIgnoredMeansSigkillAfterGrace) {
  TempDir dir;
  const auto pid_file = dir.file("pid");
  // The ignored disposition is inherited by the background sleep too.
  auto command =
      shell("trap '' TERM; echo $$ > \"$1\"; sleep 30 & echo $! >> \"$1\"; wait", {pid_file});
  command.timeout = 200ms;
  command.kill_grace = 700ms;
  const auto start = Clock::now();
  const auto result = run_captured(command);
  const auto elapsed = seconds_since(start);
  EXPECT_EQ(result.status.kind, Kind::timed_out);
  EXPECT_GE(elapsed, 0.2 + 0.7);
  EXPECT_LT(elapsed, 0.2 + 0.7 + 1.0);
  const auto pids = read_pids(pid_file);
  ASSERT_EQ(pids.size(), 2u);
  EXPECT_TRUE(eventually([&] { return tree_gone(pids); }));
}

TEST(ProcessTimeout, GraceLetsTheChildCleanUp) {
  auto command = shell("trap 'echo cleaning up; exit 0' TERM; sleep 30 & wait");
  command.timeout = 200ms;
  command.kill_grace = 5s;
  const auto start = Clock::now();
  const auto result = run_captured(command);
  EXPECT_EQ(result.status.kind, Kind::timed_out);
  EXPECT_EQ(result.out, "cleaning up");
  EXPECT_LT(seconds_since(start), 2.0);
}

TEST(ProcessTimeout, FastCommandIsNotAffected) {
  auto command = shell("echo quick");
  command.timeout = 5s;
  const auto start = Clock::now();
  const auto result = run_captured(command);
  EXPECT_TRUE(result.status.ok()) << result.status.describe();
  EXPECT_LT(seconds_since(start), 1.0);
}

TEST(ProcessCancel, FlagFromAnotherThreadKillsTheTree) {
  TempDir dir;
  const auto pid_file = dir.file("pid");
  std::atomic<bool> cancel{false};
  auto command =
      shell("echo $$ > \"$1\"; sleep 30 & echo $! >> \"$1\"; sleep 30; wait", {pid_file});
  command.cancel = &cancel;
  command.kill_grace = 1s;
  std::thread canceller([&] {
    std::this_thread::sleep_for(300ms);
    cancel = true;
  });
  const auto start = Clock::now();
  const auto result = run_captured(command);
  const auto elapsed = seconds_since(start);
  canceller.join();
  EXPECT_EQ(result.status.kind, Kind::cancelled);
  EXPECT_EQ(result.status.describe(), "cancelled");
  EXPECT_GE(elapsed, 0.3);
  EXPECT_LT(elapsed, 1.5);
  const auto pids = read_pids(pid_file);
  ASSERT_EQ(pids.size(), 2u);
  EXPECT_TRUE(eventually([&] { return tree_gone(pids); }));
}

TEST(ProcessCancel, AlreadyCancelledDoesNotStart) {
  TempDir dir;
  const auto marker = dir.file("started");
  std::atomic<bool> cancel{true};
  auto command = shell("touch \"$1\"", {marker});
  command.cancel = &cancel;
  const auto result = run_captured(command);
  EXPECT_EQ(result.status.kind, Kind::cancelled);
  EXPECT_FALSE(std::filesystem::exists(marker));
}

TEST(ProcessGroup, ChildRunsInItsOwnGroup) {
  const auto result = run_captured(shell("echo $$; cat /proc/$$/stat"));
  const auto lines = split_lines(result.out);
  ASSERT_EQ(lines.size(), 2u) << result.out << result.err;
  ProcStat stat;
  ASSERT_TRUE(parse_proc_stat(lines[1], stat)) << lines[1];
  EXPECT_EQ(stat.pgrp, std::stol(lines[0]));
  EXPECT_NE(stat.pgrp, ::getpgrp());
}

TEST(ProcessGroup, GrandchildHoldingStdoutDoesNotHang) {
  TempDir dir;
  const auto pid_file = dir.file("pid");
  const auto start = Clock::now();
  const auto result = run_captured(
      shell("echo $$ > \"$1\"; sleep 30 & echo $! >> \"$1\"; echo parent done", {pid_file}));
  EXPECT_TRUE(result.status.ok()) << result.status.describe();
  EXPECT_EQ(result.out, "parent done");
  EXPECT_LT(seconds_since(start), 2.0);
  const auto pids = read_pids(pid_file);
  ASSERT_EQ(pids.size(), 2u);
  EXPECT_TRUE(eventually([&] { return tree_gone(pids); }));
}

TEST(ProcessGroup, EscapedGrandchildHoldingStdoutDoesNotHang) {
  // setsid leaves the group, so the group kill misses it; reading stops after a short drain.
  TempDir dir;
  const auto pid_file = dir.file("pid");
  const auto start = Clock::now();
  // The pid file is written after setsid, and the parent waits for it, so the escape has
  // happened before the group kill.
  const auto result =
      run_captured(shell("setsid sh -c 'echo $$ > \"$1\"; exec sleep 30' sh \"$1\" &"
                         " while [ ! -s \"$1\" ]; do sleep 0.01; done; echo parent done",
                         {pid_file}));
  const auto elapsed = seconds_since(start);
  const pid_t escaped = read_pid(pid_file);
  if (escaped > 0) {
    ::kill(escaped, SIGKILL);
  }
  EXPECT_TRUE(result.status.ok()) << result.status.describe();
  EXPECT_EQ(result.out, "parent done");
  EXPECT_GT(escaped, 0);
  EXPECT_LT(elapsed, 5.0);
}

// ---------------------------------------------------------------------------------------
// Descriptors and concurrency

/// The descriptors the child's shell holds open, one per line.
const char* const k_list_fds = "ls /proc/$$/fd";

TEST(ProcessFds, NoDescriptorLeaksIntoTheChild) {
  const int leaked = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(leaked, 0);
  const auto result = run_captured(shell(k_list_fds));
  ::close(leaked);
  EXPECT_EQ(result.out, "0\n1\n2");
}

TEST(ProcessConcurrency, EightRunsFromThreads) {
  constexpr int k_runs = 8;
  struct Outcome {
    Captured captured;
    std::string input;
    int foreign_thread_calls = 0;
  };
  std::vector<Outcome> outcomes(k_runs);
  std::vector<std::thread> threads;
  for (int id = 0; id < k_runs; ++id) {
    threads.emplace_back([id, &outcome = outcomes[id]] {
      for (int i = 0; i < 20000; ++i) {
        outcome.input += "run " + std::to_string(id) + " line " + std::to_string(i) + "\n";
      }
      auto command =
          shell(std::string(k_list_fds) + "; cat; exit $(($1 + 10))", {std::to_string(id)});
      command.stdin_data = outcome.input;
      const auto caller = std::this_thread::get_id();
      SystemProcessRunner runner;
      std::string out;
      std::string err;
      const auto status = runner.run(command, [&](Stream stream, std::string_view line) {
        outcome.foreign_thread_calls += std::this_thread::get_id() != caller;
        (stream == Stream::out ? out : err).append(line).append("\n");
      });
      outcome.captured = {status, out, err};
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  for (int id = 0; id < k_runs; ++id) {
    const auto& outcome = outcomes[id];
    SCOPED_TRACE("run " + std::to_string(id));
    EXPECT_EQ(outcome.captured.status.kind, Kind::exited) << outcome.captured.status.describe();
    EXPECT_EQ(outcome.captured.status.code, id + 10);
    // The fd list comes first: no pipe of a sibling run leaked into this child.
    EXPECT_TRUE(outcome.captured.out == "0\n1\n2\n" + outcome.input);
    EXPECT_EQ(outcome.captured.err, "");
    EXPECT_EQ(outcome.foreign_thread_calls, 0);
  }
}

}  // namespace
}  // namespace pw::proc
