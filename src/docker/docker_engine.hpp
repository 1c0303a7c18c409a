#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "proc/process.hpp"

// The narrow interface pipewright needs from a Docker Engine. The real implementation
// (docker_cli.hpp) drives the `docker` client through the process module; tests of the
// layers above use a recording fake.

namespace pw::docker {

/// Why a Docker operation failed, in words for the user.
struct DockerFailure {
  std::string message;
};

/// A build secret handed to BuildKit as a file (`--secret id=ID,src=FILE`), never as an arg.
struct BuildSecret {
  std::string id;
  std::filesystem::path file;
};

/// What to build and how to name it.
struct BuildRequest {
  std::filesystem::path context_dir;
  std::filesystem::path dockerfile;  ///< absolute path
  std::optional<std::string> target;
  std::vector<std::pair<std::string, std::string>> args;  ///< --build-arg NAME=VALUE
  std::vector<BuildSecret> secrets;
  std::vector<std::string> cache_from;
  std::map<std::string, std::string> labels;
  std::vector<std::string> tags;
  std::optional<std::chrono::milliseconds> timeout;
  const std::atomic<bool>* cancel = nullptr;
};

/// How a build ended; image_id is set when it succeeded.
struct BuildOutcome {
  proc::ExitStatus status;
  std::string image_id;  ///< "sha256:…"
};

/// What pipewright reads back about an image.
struct ImageInfo {
  std::string id;
  std::vector<std::string> repo_tags;
  std::vector<std::string> repo_digests;
  std::map<std::string, std::string> labels;
  std::string created;
};

/// The operations on a Docker Engine that pipewright uses.
class DockerEngine {
 public:
  virtual ~DockerEngine() = default;
  /// Checks that the daemon answers; the failure names DOCKER_HOST or the socket tried.
  virtual Result<std::string, DockerFailure> server_version() = 0;
  /// Builds with BuildKit, streaming the build log (both streams) to sink.
  virtual BuildOutcome build(const BuildRequest& request, const proc::LineSink& sink) = 0;
  /// The newest image carrying label key=value, if any.
  virtual Result<std::optional<ImageInfo>, DockerFailure> find_image(const std::string& key,
                                                                     const std::string& value) = 0;
  /// Details of an image by id or reference; nullopt when there is no such image.
  virtual Result<std::optional<ImageInfo>, DockerFailure> inspect_image(const std::string& ref) = 0;
  /// Adds a tag to an image.
  virtual Result<void, DockerFailure> tag(const std::string& image, const std::string& tag) = 0;
  /// Pushes reference ("<repository>:<tag>") to its registry; the failure names the image.
  virtual Result<void, DockerFailure> push(const std::string& reference) = 0;
};

/// Where the Docker client connects: $DOCKER_HOST, or the default socket — for messages.
std::string docker_endpoint_description();

}  // namespace pw::docker
