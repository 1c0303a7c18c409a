#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "core/exit_code.hpp"

// The upper tier of error handling: typed exceptions thrown above the adapters and caught
// once in main, which prints "pipewright: error: <what()>" and exits with code().
// Lower layers return Result<T, E> (core/result.hpp) instead of throwing.

namespace pw {

/// Base of every error pipewright reports to the user; carries the exit code to use.
class Error : public std::runtime_error {
 public:
  /// Makes an error with a user-facing message and the exit code it maps to.
  Error(ExitCode code, const std::string& message, std::string details = {})
      : std::runtime_error(message), code_(code), details_(std::move(details)) {}
  /// The exit code main() returns for this error.
  ExitCode code() const { return code_; }
  /// Multi-line text printed before the one-line error (rendered diagnostics); may be empty.
  const std::string& details() const { return details_; }

 private:
  ExitCode code_;
  std::string details_;
};

/// The command line could not be understood.
struct UsageError : Error {
  explicit UsageError(const std::string& m) : Error(ExitCode::usage, m) {}
};

/// One spec problem with its place, for tools that point at it (CI annotations).
struct SpecProblem {
  std::string file;
  int line = 0;  ///< 1-based; 0: the file as a whole
  int col = 0;   ///< 1-based; 0: unknown
  std::string message;
};

/// The spec is invalid; details() holds the rendered FILE:LINE:COL diagnostics, if any, and
/// problems() the same problems as data.
struct SpecError : Error {
  explicit SpecError(const std::string& m, std::string details = {},
                     std::vector<SpecProblem> problems = {})
      : Error(ExitCode::invalid_spec, m, std::move(details)), problems_(std::move(problems)) {}
  const std::vector<SpecProblem>& problems() const { return problems_; }

 private:
  std::vector<SpecProblem> problems_;
};

/// Docker, the registry or the network failed or could not be reached.
struct InfrastructureError : Error {
  explicit InfrastructureError(const std::string& m) : Error(ExitCode::infrastructure, m) {}
};

/// A git repository or remote could not be read or written.
struct GitError : Error {
  explicit GitError(const std::string& m) : Error(ExitCode::git_error, m) {}
};

/// A secret's source (environment variable or file) is missing or unreadable.
struct SecretError : Error {
  explicit SecretError(const std::string& m) : Error(ExitCode::secret_missing, m) {}
};

/// An image build failed; details() holds the failing step and the last lines of the log.
struct BuildError : Error {
  BuildError(const std::string& m, std::string details)
      : Error(ExitCode::build_failed, m, std::move(details)) {}
};

}  // namespace pw
