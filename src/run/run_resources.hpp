#pragma once

#include <mutex>
#include <set>
#include <string>

#include "docker/container_runtime.hpp"
#include "run/run_identity.hpp"

// Everything a run creates in Docker, removed when the run ends however it ends (RAII), and
// the sweep that removes what runs killed with SIGKILL left behind.

namespace pw::run {

/// Tracks the containers and the network of one run and removes them on destruction.
class RunResources {
 public:
  RunResources(docker::ContainerRuntime& runtime, RunIdentity identity);
  ~RunResources();
  RunResources(const RunResources&) = delete;
  RunResources& operator=(const RunResources&) = delete;

  /// The run's private network, created on first use (thread-safe); returns its name.
  std::string network();
  /// Remembers a container to remove at the end.
  void track(const std::string& container_id);
  /// Removes a container now (e.g. when its job ended) and forgets it.
  void remove(const std::string& container_id);
  /// Removes everything still tracked; idempotent. Returns problems as text ("" if none).
  std::string release();

  /// The labels for objects of this run (run id, owner, plus extra).
  std::map<std::string, std::string> labels(
      const std::map<std::string, std::string>& extra = {}) const;
  /// This run's identity.
  const RunIdentity& identity() const { return identity_; }

 private:
  docker::ContainerRuntime& runtime_;
  RunIdentity identity_;
  std::mutex mutex_;
  std::set<std::string> containers_;
  std::string network_;
};

/// What a sweep removed.
struct SweepResult {
  int containers = 0;
  int networks = 0;
  std::vector<std::string> problems;
};

/// Removes containers and networks of runs whose owner process is dead (never a live run's).
SweepResult sweep_dead_runs(docker::ContainerRuntime& runtime);

}  // namespace pw::run
