#pragma once

#include <string>

#include "docker/container_runtime.hpp"

namespace pw::docker {

/// Drives the `docker` client (the binary named by $PIPEWRIGHT_DOCKER, else `docker` from
/// PATH) with argv vectors, one client process per operation. Holds no state of its own, so
/// its operations may be called from several threads at once.
class ContainerCli final : public ContainerRuntime {
 public:
  /// runner starts the client processes; binary overrides the client to use when not empty.
  explicit ContainerCli(proc::ProcessRunner& runner, std::string binary = {});

  /// `docker network create --driver bridge`; fails on an invalid label key.
  Result<std::string, DockerFailure> create_network(
      const std::string& name, const std::map<std::string, std::string>& labels) override;
  /// `docker network rm`; a network that is already gone is a success.
  Result<void, DockerFailure> remove_network(const std::string& id_or_name) override;

  /// `docker create` (pulls a missing image). Env values reach the client through its
  /// environment (or, for names the client reads itself, its stdin), never its argv; fails
  /// before starting the client on an invalid name, label key or mount path.
  Result<std::string, DockerFailure> create_container(const ContainerSpec& spec) override;
  /// `docker start`; returns once the daemon has started the container.
  Result<void, DockerFailure> start_container(const std::string& id) override;
  /// `docker start --attach`; whenever the client ends while the container still runs (timeout,
  /// cancel, the client killed from outside, an exception from sink) the container is killed
  /// through the daemon before this returns (or rethrows). exit_code is -1 when the container
  /// never started or its state cannot be read.
  ContainerExit run_container(const ContainerSpec& spec,
                              std::optional<std::chrono::milliseconds> timeout,
                              const std::atomic<bool>* cancel, const proc::LineSink& sink) override;
  ContainerExit run_attached(const std::string& id,
                             std::optional<std::chrono::milliseconds> timeout,
                             const std::atomic<bool>* cancel, const proc::LineSink& sink) override;
  /// `docker exec` (no stdin, no tty, output discarded, no time limit); a missing or
  /// non-executable program is exit code 126/127, not a failure.
  Result<int, DockerFailure> exec(const std::string& id, const std::vector<std::string>& argv,
                                  std::chrono::milliseconds timeout) override;
  /// The IPv4 address (else global IPv6) on the network named, or whose id is (or starts with)
  /// the string given; "" when the container is not attached to it or not running.
  Result<std::string, DockerFailure> ip_address(const std::string& id,
                                                const std::string& network) override;
  /// From `docker inspect`'s State: "none" when the image and container define no healthcheck.
  Result<std::pair<std::string, bool>, DockerFailure> health(const std::string& id) override;
  /// `docker logs --tail` (lines < 0: the whole log); stdout and stderr lines joined with '\n'
  /// in the order they arrived from the client.
  Result<std::string, DockerFailure> logs_tail(const std::string& id, int lines) override;
  /// `docker rm --force --volumes`; a container that is already gone is a success.
  Result<void, DockerFailure> remove_container(const std::string& id) override;

  /// Found with a label filter, then labels read exactly with `docker inspect` (a container's
  /// labels include those it inherited from its image); objects removed meanwhile are left out.
  Result<std::vector<LabelledObject>, DockerFailure> list_containers(
      const std::string& key, const std::string& value) override;
  /// As list_containers, for networks.
  Result<std::vector<LabelledObject>, DockerFailure> list_networks(
      const std::string& key, const std::string& value) override;

 private:
  /// The docker client command for a container (verb: "create" or "run ..."), with env values
  /// kept off the command line; fails for specs the client would misread.
  Result<proc::Command, DockerFailure> container_command(
      const ContainerSpec& spec, const std::vector<std::string>& verb) const;
  /// What kind of object a listing or inspection is about.
  enum class ObjectKind { container, network };

  proc::Captured docker(std::vector<std::string> args, std::chrono::milliseconds timeout);
  DockerFailure failure(const std::string& operation, const proc::Captured& captured) const;
  Result<std::string, DockerFailure> inspect_format(const std::string& id,
                                                    const std::string& format);
  void kill_container(const std::string& id);
  ContainerExit finish_attached(const std::string& id, proc::ExitStatus client);
  Result<std::vector<LabelledObject>, DockerFailure> list(ObjectKind kind, const std::string& key,
                                                          const std::string& value);

  proc::ProcessRunner& runner_;
  std::string binary_;
};

}  // namespace pw::docker
