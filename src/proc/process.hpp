#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The one way pipewright starts processes (the only file that includes Boost.Process is
// process.cpp). argv vectors only, never a shell string built from data; stdin closed unless
// data is given; stdout and stderr drained together, line by line, without deadlock; every
// child in its own process group so that a timeout or a cancellation kills the whole tree.
// When the child exits, whatever it left running in its group is killed: a finished command
// leaves no processes behind and no grandchild can keep run() waiting on the output pipes.

namespace pw::proc {

/// Whether the child starts from the parent's environment or from an empty one.
enum class EnvBase { inherit, empty };

/// Which output stream a line came from.
enum class Stream { out, err };

/// What to start and how.
struct Command {
  /// argv[0] without a '/' is looked up in the child's PATH (the parent's PATH when the child
  /// has none); with a '/' it is used as is, relative to working_dir.
  std::vector<std::string> argv;
  std::filesystem::path working_dir;       ///< empty: the parent's working directory
  EnvBase env_base = EnvBase::inherit;     ///< starting point of the child's environment
  std::map<std::string, std::string> env;  ///< variables set (applied after env_unset)
  std::vector<std::string> env_unset;      ///< variables removed from the base
  std::optional<std::string> stdin_data;   ///< written to stdin then closed; none: /dev/null
  std::optional<std::chrono::milliseconds> timeout;  ///< wall-clock limit for the whole tree
  std::chrono::milliseconds kill_grace{2000};  ///< SIGTERM → SIGKILL delay on timeout/cancel
  const std::atomic<bool>* cancel = nullptr;   ///< polled every 50 ms; true: the tree is killed
};

/// How a process ended; distinguishes exit codes, signals, timeouts and start failures.
struct ExitStatus {
  enum class Kind { exited, signaled, timed_out, cancelled, failed_to_start };
  Kind kind = Kind::exited;
  int code = 0;       ///< exit code when kind == exited
  int signal = 0;     ///< terminating signal when kind == signaled
  std::string error;  ///< why it could not start, when kind == failed_to_start

  /// True when the process exited with code 0.
  bool ok() const { return kind == Kind::exited && code == 0; }
  /// A short human description: "exit code 2", "killed by signal 9 (SIGKILL)", "timed out",
  /// "cancelled", or for failed_to_start the error ("could not start 'foo': No such file ...").
  std::string describe() const;
};

/// Receives each complete output line (without its newline) as it arrives; a final line
/// without a trailing newline is delivered too, and lines longer than 1 MiB arrive in 1 MiB
/// pieces. Called from the thread that called run(); an exception it throws propagates out
/// of run() after the process tree was killed.
using LineSink = std::function<void(Stream, std::string_view line)>;

/// Narrow interface over process execution so that higher layers can be tested with a
/// recording fake.
class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  /// Runs the command to completion, streaming its output lines to sink (may be empty).
  virtual ExitStatus run(const Command& command, const LineSink& sink) = 0;
};

/// Starts real processes through Boost.Process. run() may be called from several threads at
/// once; each call has its own event loop and waits only for its own child.
class SystemProcessRunner final : public ProcessRunner {
 public:
  ExitStatus run(const Command& command, const LineSink& sink) override;
};

/// Output and status of a process whose output was collected rather than streamed.
struct Captured {
  ExitStatus status;
  std::string out;  ///< stdout, lines joined with '\n'
  std::string err;  ///< stderr, lines joined with '\n'
};

/// Runs the command and collects its stdout and stderr separately.
Captured capture(ProcessRunner& runner, const Command& command);

}  // namespace pw::proc
