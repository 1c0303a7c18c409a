#include "proc/process.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/process/child.hpp>
#include <boost/process/extend.hpp>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "util/unique_fd.hpp"

// Design notes:
// - Boost.Process v1 does the fork and execve (and waits until the exec happened); the child's
//   stdio pipes, environment, argv, process group, fd hygiene and failure reports are set up
//   here, because Boost 1.74 creates its pipes without O_CLOEXEC, ignores chdir errors and
//   sends in-child errors in several writes that the parent may read torn.
// - Exit is watched with a pidfd (fallback: polling); the child is reaped only at the very
//   end, so its pid, which is also the group id, cannot be reused while we still signal it.

extern char** environ;

namespace pw::proc {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

constexpr std::size_t k_max_line = 1024 * 1024;
constexpr std::size_t k_read_chunk = 64 * 1024;
constexpr auto k_poll_interval = 50ms;
// Output still open this long after the group was killed comes from a process that left the
// group (setsid); stop reading rather than wait for it.
constexpr auto k_drain_limit = 1s;

// ---------------------------------------------------------------------------------------
// File descriptors

[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::system_category(), what);
}

/// Moves fd to a number above 2: when pipewright runs with a closed stdin/stdout/stderr a new
/// descriptor can be 0..2, and the child's dup2 onto 0..2 would then clobber another one.
UniqueFd above_stdio(UniqueFd fd) {
  if (fd.get() > STDERR_FILENO) {
    return fd;
  }
  const int moved = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
  if (moved < 0) {
    throw_errno("fcntl(F_DUPFD_CLOEXEC)");
  }
  return UniqueFd(moved);
}

struct Pipe {
  UniqueFd read;
  UniqueFd write;
};

/// O_CLOEXEC from the start: no other thread's child can inherit the pipe between creation
/// and use, which would keep our reader from ever seeing end-of-file.
Pipe make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw_errno("pipe2");
  }
  return {above_stdio(UniqueFd(fds[0])), above_stdio(UniqueFd(fds[1]))};
}

UniqueFd open_dev_null() {
  const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw_errno("open(/dev/null)");
  }
  return above_stdio(UniqueFd(fd));
}

int max_fd_number() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY ||
      limit.rlim_cur > INT_MAX) {
    return INT_MAX;
  }
  return static_cast<int>(limit.rlim_cur);
}

// ---------------------------------------------------------------------------------------
// Environment and program lookup

using Environment = std::map<std::string, std::string>;

Environment child_environment(const Command& command) {
  Environment env;
  if (command.env_base == EnvBase::inherit) {
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
      const std::string_view text(*entry);
      const auto eq = text.find('=');
      if (eq != std::string_view::npos) {
        env.emplace(text.substr(0, eq), text.substr(eq + 1));  // first one wins, like getenv
      }
    }
  }
  for (const auto& name : command.env_unset) {
    env.erase(name);
  }
  for (const auto& [name, value] : command.env) {
    env.insert_or_assign(name, value);
  }
  return env;
}

/// The PATH used for lookup: the child's own, or ours when it has none (an empty base).
std::string lookup_path(const Environment& env) {
  if (const auto it = env.find("PATH"); it != env.end()) {
    return it->second;
  }
  const char* ours = std::getenv("PATH");
  return ours != nullptr ? ours : "/usr/local/bin:/usr/bin:/bin";
}

bool is_executable_file(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
         ::access(path.c_str(), X_OK) == 0;
}

/// Finds program in search_path like execvp: ENOENT when nothing matches, EACCES when only
/// non-executable matches exist. Results are absolute so that working_dir does not affect them.
Result<std::string, int> find_in_path(const std::string& program, const std::string& search_path) {
  int error = ENOENT;
  std::string_view rest = search_path;
  while (true) {
    const auto colon = rest.find(':');
    const std::filesystem::path dir(rest.substr(0, colon));
    std::error_code ec;
    const auto candidate = std::filesystem::absolute(dir.empty() ? "." : dir, ec) / program;
    if (!ec && is_executable_file(candidate)) {
      return candidate.string();
    }
    if (!ec && ::access(candidate.c_str(), F_OK) == 0) {
      error = EACCES;
    }
    if (colon == std::string_view::npos) {
      return failure(error);
    }
    rest.remove_prefix(colon + 1);
  }
}

Result<std::string, int> resolve_program(const std::string& program, const Environment& env) {
  if (program.empty()) {
    return failure(ENOENT);
  }
  if (program.find('/') != std::string::npos) {
    return program;  // execve reports missing or non-executable files itself
  }
  return find_in_path(program, lookup_path(env));
}

// ---------------------------------------------------------------------------------------
// The child side

/// The step at which a child failed before running the program.
enum class ChildStep : int { redirect = 1, working_dir = 2, exec = 3 };

/// What a failing child writes to the report pipe: one write of 8 bytes, atomic on a pipe.
/// (Boost 1.74 reports its own in-child errors in three writes that the parent may read
/// half of, so failures never go through Boost's channel.)
struct ChildReport {
  ChildStep step;
  int error;
};

/// Everything the child needs, prepared before fork: after fork in a multithreaded process
/// only async-signal-safe calls are allowed, so nothing is allocated there.
struct ChildPlan {
  std::string program;
  std::vector<std::string> argv;
  std::vector<std::string> env;
  std::string working_dir;
  std::vector<char*> argv_ptrs;
  std::vector<char*> env_ptrs;
  int stdio[3] = {-1, -1, -1};
  int report_fd = -1;
  int max_fd = INT_MAX;

  void finish_pointers() {
    for (auto& arg : argv) {
      argv_ptrs.push_back(arg.data());
    }
    argv_ptrs.push_back(nullptr);
    for (auto& entry : env) {
      env_ptrs.push_back(entry.data());
    }
    env_ptrs.push_back(nullptr);
  }
};

/// Unblocks every signal (run() blocks SIGPIPE on its thread, and callers may block signals
/// for a signal-handling thread) and restores SIGPIPE, which an ignoring parent would
/// otherwise pass on, so that `producer | head` pipelines in the child behave normally.
void reset_signals_in_child() {
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  ::sigaction(SIGPIPE, &default_action, nullptr);
}

/// Marks every descriptor above 2 close-on-exec rather than closing it: the report pipe and
/// Boost's exec pipe must stay open until execve, and everything else (including descriptors
/// other threads opened without O_CLOEXEC, like Boost's own pipes) must not reach the program.
void mark_inherited_fds_cloexec(int max_fd) {
  if (::close_range(STDERR_FILENO + 1, ~0U, CLOSE_RANGE_CLOEXEC) == 0) {
    return;
  }
  for (int fd = STDERR_FILENO + 1; fd < max_fd; ++fd) {  // kernels before 5.11
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
}

/// Boost.Process initializer that applies a ChildPlan.
class ChildSetup : public boost::process::extend::handler {
 public:
  explicit ChildSetup(const ChildPlan& plan) : plan_(plan) {}

  /// Parent, before fork: our argv keeps argv[0] as given, and the environment is ours.
  template <class Executor>
  void on_setup(Executor& exec) const {
    exec.exe = plan_.program.c_str();
    exec.cmd_line = plan_.argv_ptrs.data();
    exec.env = const_cast<char**>(plan_.env_ptrs.data());
  }

  /// Child, after fork: async-signal-safe calls only.
  template <class Executor>
  void on_exec_setup(Executor&) const {
    ::setpgid(0, 0);  // before exec, so a group kill can never miss it
    reset_signals_in_child();
    for (int target = 0; target < 3; ++target) {
      if (::dup2(plan_.stdio[target], target) < 0) {
        fail(ChildStep::redirect, errno);
      }
    }
    if (!plan_.working_dir.empty() && ::chdir(plan_.working_dir.c_str()) != 0) {
      fail(ChildStep::working_dir, errno);
    }
    mark_inherited_fds_cloexec(plan_.max_fd);
  }

  /// Child, when execve failed.
  template <class Executor>
  void on_exec_error(Executor&, const std::error_code& error) const {
    fail(ChildStep::exec, error.value());
  }

 private:
  [[noreturn]] void fail(ChildStep step, int error) const {
    const ChildReport report{step, error};
    [[maybe_unused]] const auto written = ::write(plan_.report_fd, &report, sizeof report);
    ::_exit(127);
  }

  const ChildPlan& plan_;
};

// ---------------------------------------------------------------------------------------
// Spawning

/// The parent's ends of a started child.
struct Spawned {
  pid_t pid = -1;
  UniqueFd stdin_write;  ///< invalid when stdin is /dev/null
  UniqueFd stdout_read;
  UniqueFd stderr_read;
};

std::string start_error(const Command& command, const std::string& detail) {
  return "could not start '" + command.argv.front() + "': " + detail;
}

std::string start_error(const Command& command, const ChildReport& report) {
  const auto detail = std::generic_category().message(report.error);
  switch (report.step) {
    case ChildStep::redirect:
      return start_error(command, "redirecting stdin/stdout/stderr: " + detail);
    case ChildStep::working_dir:
      return start_error(command,
                         "working directory '" + command.working_dir.string() + "': " + detail);
    case ChildStep::exec:
      break;
  }
  return start_error(command, detail);
}

/// Fills plan with everything but the descriptors.
Result<ChildPlan, std::string> plan_child(const Command& command) {
  Environment env = child_environment(command);
  auto program = resolve_program(command.argv.front(), env);
  if (!program) {
    return failure(start_error(command, std::generic_category().message(program.error())));
  }
  ChildPlan plan;
  plan.program = std::move(program).value();
  plan.argv = command.argv;
  for (const auto& [name, value] : env) {
    plan.env.push_back(name + "=" + value);
  }
  plan.working_dir = command.working_dir.string();
  plan.max_fd = max_fd_number();
  return plan;
}

/// Reads what a failed child reported; nothing (end of file) means execve succeeded, since
/// the write end closes on exec. Boost has already waited for exec or exit, so this is quick.
std::optional<ChildReport> read_child_report(UniqueFd read_end) {
  ChildReport report{};
  ssize_t n = 0;
  do {
    n = ::read(read_end.get(), &report, sizeof report);
  } while (n < 0 && errno == EINTR);
  if (n != static_cast<ssize_t>(sizeof report)) {
    return std::nullopt;
  }
  return report;
}

/// Forks and execs; the child's ends of the pipes are closed here when their owners go.
Result<Spawned, std::string> spawn(const Command& command) {
  auto plan = plan_child(command);
  if (!plan) {
    return failure(plan.error());
  }
  try {
    Pipe in = command.stdin_data ? make_pipe() : Pipe{open_dev_null(), UniqueFd()};
    Pipe out = make_pipe();
    Pipe err = make_pipe();
    Pipe report = make_pipe();
    plan.value().stdio[0] = in.read.get();
    plan.value().stdio[1] = out.write.get();
    plan.value().stdio[2] = err.write.get();
    plan.value().report_fd = report.write.get();
    plan.value().finish_pointers();  // now that the strings no longer move
    const ChildSetup setup(plan.value());
    boost::process::child child(setup);
    const pid_t pid = child.id();
    child.detach();  // we wait for it ourselves; Boost must not terminate it on destruction
    report.write = UniqueFd();
    if (const auto failed = read_child_report(std::move(report.read))) {
      while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
      }
      return failure(start_error(command, *failed));
    }
    return Spawned{pid, std::move(in.write), std::move(out.read), std::move(err.read)};
  } catch (const std::system_error& error) {  // pipe or fork failed (process_error is one)
    return failure(start_error(command, error.code().message()));
  }
}

// ---------------------------------------------------------------------------------------
// Output

/// Turns a byte stream into lines for the sink, holding at most one partial line.
class LineAssembler {
 public:
  LineAssembler(Stream stream, const LineSink& sink) : stream_(stream), sink_(sink) {}

  void feed(std::string_view data) {
    std::size_t begin = 0;
    std::size_t scan = pending_.size();  // pending_ never holds a '\n'
    pending_.append(data);
    const std::string_view text = pending_;
    for (auto nl = text.find('\n', scan); nl != std::string_view::npos;
         nl = text.find('\n', scan)) {
      emit(text.substr(begin, nl - begin));
      begin = scan = nl + 1;
    }
    for (; text.size() - begin > k_max_line; begin += k_max_line) {
      emit(text.substr(begin, k_max_line));  // bounded memory for endless lines
    }
    pending_.erase(0, begin);
  }

  void finish() {
    if (!pending_.empty()) {
      emit(pending_);
      pending_.clear();
    }
  }

 private:
  void emit(std::string_view line) const {
    if (sink_) {
      sink_(stream_, line);
    }
  }

  Stream stream_;
  const LineSink& sink_;
  std::string pending_;
};

/// One output pipe of the child and what has been read from it.
struct OutputPipe {
  OutputPipe(asio::io_context& io, Stream stream, const LineSink& sink)
      : pipe(io), lines(stream, sink), buffer(k_read_chunk) {}

  asio::posix::stream_descriptor pipe;
  LineAssembler lines;
  std::vector<char> buffer;
  bool open = false;

  void close() {
    if (open) {
      open = false;
      boost::system::error_code ignored;
      pipe.close(ignored);
      lines.finish();
    }
  }
};

/// Blocks SIGPIPE on this thread while run() writes stdin: a child that exits without
/// reading would otherwise kill pipewright. SIGPIPE from a pipe write is sent to the writing
/// thread, so blocking it here and discarding one we caused leaves other threads untouched;
/// the write itself then fails with EPIPE, which ends the stdin feed.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigemptyset(&sigpipe_);
    sigaddset(&sigpipe_, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &sigpipe_, &previous_);
    was_pending_ = pending();
  }
  ~SigpipeBlock() {
    if (!was_pending_ && pending()) {
      const timespec no_wait{};
      ::sigtimedwait(&sigpipe_, nullptr, &no_wait);
    }
    ::pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;

 private:
  bool pending() const {
    sigset_t set;
    sigemptyset(&set);
    return ::sigpending(&set) == 0 && sigismember(&set, SIGPIPE) == 1;
  }

  sigset_t sigpipe_{};
  sigset_t previous_{};
  bool was_pending_ = false;
};

// ---------------------------------------------------------------------------------------
// Supervising one child

ExitStatus status_of(ExitStatus::Kind kind) {
  ExitStatus status;
  status.kind = kind;
  return status;
}

ExitStatus start_failure(std::string error) {
  ExitStatus status = status_of(ExitStatus::Kind::failed_to_start);
  status.error = std::move(error);
  return status;
}

ExitStatus from_wait_status(int status) {
  ExitStatus result;
  if (WIFSIGNALED(status)) {
    result.kind = ExitStatus::Kind::signaled;
    result.signal = WTERMSIG(status);
  } else {
    result.code = WEXITSTATUS(status);
  }
  return result;
}

/// One run of one command: an event loop on the calling thread that feeds stdin, drains both
/// outputs, watches for exit, the timeout and cancellation, and finally reaps the child.
class Execution {
 public:
  Execution(const Command& command, const LineSink& sink)
      : command_(command),
        out_(io_, Stream::out, sink),
        err_(io_, Stream::err, sink),
        stdin_(io_),
        exit_watch_(io_),
        tick_(io_),
        timeout_(io_),
        grace_(io_),
        drain_(io_) {}
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;

  /// Kills and reaps the tree when run() is left by an exception (e.g. from the sink).
  ~Execution() {
    if (pid_ > 0 && !reaped_) {
      signal_group(SIGKILL);
      reap();
    }
  }

  ExitStatus run() {
    if (cancel_requested()) {
      return status_of(ExitStatus::Kind::cancelled);
    }
    auto spawned = spawn(command_);
    if (!spawned) {
      return start_failure(spawned.error());
    }
    {
      SigpipeBlock block;  // from start() on: asio may write stdin as soon as it is asked to
      start(std::move(spawned).value());
      io_.run();
    }
    ExitStatus status = from_wait_status(reap());
    if (reason_) {
      return status_of(*reason_);
    }
    return status;
  }

 private:
  void start(Spawned spawned) {
    pid_ = spawned.pid;
    attach(out_, std::move(spawned.stdout_read));
    attach(err_, std::move(spawned.stderr_read));
    write_stdin(std::move(spawned.stdin_write));
    watch_exit();
    arm_timeout();
    schedule_tick();
  }

  void attach(OutputPipe& output, UniqueFd fd) {
    output.pipe.assign(fd.release());
    output.open = true;
    read(output);
  }

  void read(OutputPipe& output) {
    output.pipe.async_read_some(
        asio::buffer(output.buffer), [this, &output](boost::system::error_code ec, std::size_t n) {
          if (!output.open) {
            return;  // closed by finish(); its lines were flushed there
          }
          output.lines.feed({output.buffer.data(), n});
          if (ec) {  // end of file, or an error that ends the stream just the same
            output.close();
            maybe_finish();
            return;
          }
          read(output);
        });
  }

  void write_stdin(UniqueFd fd) {
    if (!command_.stdin_data) {
      return;
    }
    stdin_.assign(fd.release());
    // Failure (EPIPE: the child stopped reading) just ends the feed; closing signals EOF.
    asio::async_write(stdin_, asio::buffer(*command_.stdin_data),
                      [this](boost::system::error_code, std::size_t) {
                        boost::system::error_code ignored;
                        stdin_.close(ignored);
                      });
  }

  void watch_exit() {
    // Via syscall(): glibc 2.36's <sys/pidfd.h> lacks extern "C", and older ones lack it.
    const int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    if (fd < 0) {
      return;  // kernel without pidfd: the tick polls instead
    }
    exit_watch_.assign(fd);
    exit_watch_.async_wait(asio::posix::descriptor_base::wait_read,
                           [this](boost::system::error_code ec) {
                             if (!ec) {
                               on_leader_exit();
                             }
                           });
  }

  void arm_timeout() {
    if (!command_.timeout) {
      return;
    }
    timeout_.expires_after(*command_.timeout);
    timeout_.async_wait([this](boost::system::error_code ec) {
      if (!ec) {
        terminate_group(ExitStatus::Kind::timed_out);
      }
    });
  }

  /// Polls the cancel flag, and the child's exit when there is no pidfd.
  void schedule_tick() {
    if (command_.cancel == nullptr && exit_watch_.is_open()) {
      return;
    }
    tick_.expires_after(k_poll_interval);
    tick_.async_wait([this](boost::system::error_code ec) {
      if (ec || leader_exited_) {
        return;
      }
      if (cancel_requested()) {
        terminate_group(ExitStatus::Kind::cancelled);
      }
      if (!exit_watch_.is_open() && leader_has_exited()) {
        on_leader_exit();
        return;
      }
      schedule_tick();
    });
  }

  /// SIGTERM to the whole group now, SIGKILL after the grace period.
  void terminate_group(ExitStatus::Kind reason) {
    if (leader_exited_ || reason_) {
      return;
    }
    reason_ = reason;
    signal_group(SIGTERM);
    signal_group(SIGCONT);  // a stopped process only acts on SIGTERM once continued
    grace_.expires_after(command_.kill_grace);
    grace_.async_wait([this](boost::system::error_code ec) {
      if (!ec) {
        signal_group(SIGKILL);
      }
    });
  }

  void on_leader_exit() {
    leader_exited_ = true;
    grace_.cancel();
    tick_.cancel();
    // Grandchildren: the step is over, so kill the rest of its group; none may hold the pipes.
    signal_group(SIGKILL);
    drain_.expires_after(k_drain_limit);
    drain_.async_wait([this](boost::system::error_code ec) {
      if (!ec) {
        finish();
      }
    });
    maybe_finish();
  }

  void maybe_finish() {
    if (leader_exited_ && !out_.open && !err_.open) {
      finish();
    }
  }

  /// Flushes partial lines and stops the loop; nothing outstanding keeps run() waiting.
  void finish() {
    out_.close();
    err_.close();
    io_.stop();
  }

  bool cancel_requested() const {
    return command_.cancel != nullptr && command_.cancel->load(std::memory_order_relaxed);
  }

  /// Exit check that leaves the zombie in place (WNOWAIT), keeping the group id reserved.
  bool leader_has_exited() const {
    siginfo_t info{};
    const int rc = ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT);
    return rc != 0 || info.si_pid == pid_;  // an error (ECHILD) must not leave us waiting
  }

  void signal_group(int signal) const {
    if (!reaped_) {  // after reaping, -pid_ could name an unrelated new group
      ::kill(-pid_, signal);
    }
  }

  /// Waits for the child (already exited unless we are unwinding) and returns its wait status.
  int reap() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0) {
      if (errno != EINTR) {
        status = 0xff00;  // reaped elsewhere (SIGCHLD ignored by the application): exit code 255
        break;
      }
    }
    reaped_ = true;
    return status;
  }

  const Command& command_;
  asio::io_context io_{1};
  OutputPipe out_;
  OutputPipe err_;
  asio::posix::stream_descriptor stdin_;
  asio::posix::stream_descriptor exit_watch_;
  asio::steady_timer tick_;
  asio::steady_timer timeout_;
  asio::steady_timer grace_;
  asio::steady_timer drain_;
  pid_t pid_ = -1;
  bool leader_exited_ = false;
  bool reaped_ = false;
  std::optional<ExitStatus::Kind> reason_;
};

std::string signal_text(int signal) {
  std::string text = "killed by signal " + std::to_string(signal);
  if (const char* name = ::sigabbrev_np(signal)) {
    text += " (SIG" + std::string(name) + ")";
  }
  return text;
}

}  // namespace

std::string ExitStatus::describe() const {
  switch (kind) {
    case Kind::exited:
      return "exit code " + std::to_string(code);
    case Kind::signaled:
      return signal_text(signal);
    case Kind::timed_out:
      return "timed out";
    case Kind::cancelled:
      return "cancelled";
    case Kind::failed_to_start:
      return error;
  }
  return "unknown exit status";
}

ExitStatus SystemProcessRunner::run(const Command& command, const LineSink& sink) {
  if (command.argv.empty()) {
    return start_failure("could not start a process: the command is empty");
  }
  return Execution(command, sink).run();
}

Captured capture(ProcessRunner& runner, const Command& command) {
  Captured captured;
  bool out_started = false;
  bool err_started = false;
  captured.status = runner.run(command, [&](Stream stream, std::string_view line) {
    std::string& text = stream == Stream::out ? captured.out : captured.err;
    bool& started = stream == Stream::out ? out_started : err_started;
    if (started) {
      text += '\n';
    }
    text += line;
    started = true;
  });
  return captured;
}

}  // namespace pw::proc
