#pragma once

#include <string>

#include "docker/docker_engine.hpp"

namespace pw::docker {

/// Drives the `docker` client (the binary named by $PIPEWRIGHT_DOCKER, else `docker` from
/// PATH) with argv vectors; BuildKit on (DOCKER_BUILDKIT=1).
class DockerCli final : public DockerEngine {
 public:
  /// runner starts the client processes; binary overrides the client to use when not empty.
  explicit DockerCli(proc::ProcessRunner& runner, std::string binary = {});

  Result<std::string, DockerFailure> server_version() override;
  BuildOutcome build(const BuildRequest& request, const proc::LineSink& sink) override;
  Result<std::optional<ImageInfo>, DockerFailure> find_image(const std::string& key,
                                                             const std::string& value) override;
  Result<std::optional<ImageInfo>, DockerFailure> inspect_image(const std::string& ref) override;
  Result<void, DockerFailure> tag(const std::string& image, const std::string& tag) override;
  Result<void, DockerFailure> push(const std::string& reference) override;

 private:
  proc::Captured docker(std::vector<std::string> args);
  std::vector<std::string> build_argv(const BuildRequest& request,
                                      const std::filesystem::path& iid_file) const;

  proc::ProcessRunner& runner_;
  std::string binary_;
};

}  // namespace pw::docker
