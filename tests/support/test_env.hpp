#pragma once

// Environment and process helpers shared by the C++ integration tests: the same rules as
// tests/lib/common.sh (use the daemon and registry of cicd/services-up; a missing daemon is a
// skip, except under CI=true or PIPEWRIGHT_REQUIRE_DOCKER=1, where it is a failure).

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "proc/process.hpp"

namespace pw::test {

/// The value of an environment variable, or fallback when it is unset or empty.
inline std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

/// True when a missing Docker daemon or registry must fail the test instead of skipping it.
inline bool docker_required() {
  return env_or("CI", "") == "true" || env_or("PIPEWRIGHT_REQUIRE_DOCKER", "") == "1";
}

/// Runs argv through pw::proc (the one way the project starts processes) and collects its
/// output; stdin_data goes to its stdin when given.
inline proc::Captured run_captured(std::vector<std::string> argv,
                                   std::optional<std::string> stdin_data = std::nullopt,
                                   std::chrono::milliseconds timeout = std::chrono::minutes(2)) {
  proc::SystemProcessRunner runner;
  proc::Command command;
  command.argv = std::move(argv);
  command.stdin_data = std::move(stdin_data);
  command.timeout = timeout;
  return proc::capture(runner, command);
}

/// Like tests/lib/common.sh: what cicd/services-up wrote to .state/env.sh fills in the
/// variables the caller has not set, so that plain `ctest` works.
inline void adopt_state_environment() {
  const std::string env_sh =
      env_or("PIPEWRIGHT_STATE_DIR", std::string(PIPEWRIGHT_SOURCE_DIR) + "/.state") + "/env.sh";
  if (::access(env_sh.c_str(), R_OK) != 0) {
    return;
  }
  const auto c = run_captured({"bash", "-c",
                               "source \"$1\" && printf '%s\\n%s\\n%s\\n' \"$DOCKER_HOST\" "
                               "\"$PATH\" \"$PIPEWRIGHT_TEST_REGISTRY\"",
                               "bash", env_sh});
  std::istringstream in(c.out);
  std::string docker_host, path, registry;
  if (!c.status.ok() || !std::getline(in, docker_host) || !std::getline(in, path) ||
      !std::getline(in, registry)) {
    return;
  }
  ::setenv("DOCKER_HOST", docker_host.c_str(), 0);
  if (std::getenv("DOCKER_HOST") == docker_host) {
    ::setenv("PATH", path.c_str(), 1);
  }
  ::setenv("PIPEWRIGHT_TEST_REGISTRY", registry.c_str(), 0);
}

}  // namespace pw::test
