#pragma once

// The process exit codes of pipewright. They are part of the public interface (README,
// "Exit codes") and never change meaning once released.

namespace pw {

/// Exit status of the pipewright process; stable across releases.
enum class ExitCode : int {
  ok = 0,              ///< everything asked for succeeded
  job_failed = 1,      ///< a job or test failed
  usage = 2,           ///< bad command line
  invalid_spec = 3,    ///< the pipeline spec (or a file it names) is invalid
  timed_out = 4,       ///< a job or service exceeded its timeout
  infrastructure = 5,  ///< Docker daemon, registry or network unavailable or failing
  build_failed = 6,    ///< an image build failed
  secret_missing = 7,  ///< a secret's source (environment variable or file) is missing
  git_error = 8,       ///< the git repository or a remote could not be read or written
  policy_refused = 9,  ///< promotion policy refused the operation
  conflict = 10,       ///< a compare-and-swap lost: a tag moved underneath us
  internal = 70,       ///< a bug in pipewright (EX_SOFTWARE)
  interrupted = 130,   ///< SIGINT (Ctrl-C)
  terminated = 143,    ///< SIGTERM
};

/// The integer value to pass to exit().
constexpr int to_int(ExitCode code) {
  return static_cast<int>(code);
}

}  // namespace pw
