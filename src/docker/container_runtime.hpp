#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "docker/docker_engine.hpp"
#include "proc/process.hpp"

// Containers and networks, as pipewright's job runner needs them. Every container and network
// carries labels given by the caller (the run id, the owner) so that cleanup can find what a
// run created even after the docker client or pipewright itself was killed.

namespace pw::docker {

/// A bind mount of a host directory into a container.
struct Mount {
  std::filesystem::path host;
  std::string container;
  bool read_only = false;
};

/// How to create a container.
struct ContainerSpec {
  std::string image;                 ///< image id or reference
  std::string name;                  ///< container name (unique per run)
  std::vector<std::string> command;  ///< argv; empty: the image's default
  std::optional<std::string> workdir;
  std::optional<std::string> entrypoint;  ///< replaces the image's; "" clears it
  /// Values never appear on a command line: passed as `-e NAME` with the value in the docker
  /// client's own environment (names the client reads itself, like PATH or DOCKER_HOST, as
  /// env-file lines on its stdin instead).
  std::map<std::string, std::string> env;
  std::map<std::string, std::string> labels;
  std::vector<Mount> mounts;
  std::optional<std::string> network;        ///< network to join
  std::vector<std::string> network_aliases;  ///< names other containers reach it by
};

/// How a container ended.
struct ContainerExit {
  proc::ExitStatus client;  ///< how the attached docker client ended (timed_out / cancelled)
  int exit_code = -1;       ///< the container's own exit code, from the daemon; -1 if unknown
};

/// What pipewright finds when it lists leftovers.
struct LabelledObject {
  std::string id;
  std::string name;
  std::map<std::string, std::string> labels;
};

/// Container and network operations; implemented over the docker CLI (container_cli.hpp).
class ContainerRuntime {
 public:
  virtual ~ContainerRuntime() = default;

  /// Creates a bridge network with labels; returns its id.
  virtual Result<std::string, DockerFailure> create_network(
      const std::string& name, const std::map<std::string, std::string>& labels) = 0;
  /// Removes a network (no error if it is already gone).
  virtual Result<void, DockerFailure> remove_network(const std::string& id_or_name) = 0;

  /// Creates (does not start) a container; returns its id.
  virtual Result<std::string, DockerFailure> create_container(const ContainerSpec& spec) = 0;
  /// Starts a created container in the background (services).
  virtual Result<void, DockerFailure> start_container(const std::string& id) = 0;
  /// Creates, starts and attaches to a container that the daemon removes when it exits, all in
  /// one client call; on timeout or cancel the container is killed through the daemon.
  /// exit_code is the container's (125–127 when Docker could not run the command).
  virtual ContainerExit run_container(const ContainerSpec& spec,
                                      std::optional<std::chrono::milliseconds> timeout,
                                      const std::atomic<bool>* cancel,
                                      const proc::LineSink& sink) = 0;
  /// Starts a created container attached, streaming its output lines to sink until it exits,
  /// the timeout passes or cancel becomes true — in the last two cases, and whenever the client
  /// ends while the container still runs, the container itself is killed (by id, through the
  /// daemon), not only the client.
  virtual ContainerExit run_attached(const std::string& id,
                                     std::optional<std::chrono::milliseconds> timeout,
                                     const std::atomic<bool>* cancel,
                                     const proc::LineSink& sink) = 0;
  /// Runs argv inside a running container (`docker exec`) for at most timeout; returns its
  /// exit code (a timeout is a failure).
  virtual Result<int, DockerFailure> exec(const std::string& id,
                                          const std::vector<std::string>& argv,
                                          std::chrono::milliseconds timeout) = 0;
  /// The container's IP address on a network ("" when not attached).
  virtual Result<std::string, DockerFailure> ip_address(const std::string& id,
                                                        const std::string& network) = 0;
  /// The container's health status ("healthy", "unhealthy", "starting", "none") and whether
  /// it is still running.
  virtual Result<std::pair<std::string, bool>, DockerFailure> health(const std::string& id) = 0;
  /// The last lines of the container's log (both streams).
  virtual Result<std::string, DockerFailure> logs_tail(const std::string& id, int lines) = 0;
  /// Kills (if running) and removes a container with its anonymous volumes; no error if gone.
  virtual Result<void, DockerFailure> remove_container(const std::string& id) = 0;

  /// Containers (running or not) carrying the label key (any value, when value is empty).
  virtual Result<std::vector<LabelledObject>, DockerFailure> list_containers(
      const std::string& key, const std::string& value) = 0;
  /// Networks carrying the label key (any value, when value is empty).
  virtual Result<std::vector<LabelledObject>, DockerFailure> list_networks(
      const std::string& key, const std::string& value) = 0;
};

}  // namespace pw::docker
