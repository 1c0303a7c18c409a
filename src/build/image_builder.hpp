#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "docker/docker_engine.hpp"
#include "secret/secret_store.hpp"
#include "spec/model.hpp"

// Builds the spec's images from the committed tree (or, with Source::working_copy, from the
// working copies of tracked files), skipping images whose inputs are unchanged.

namespace pw::git {
class Repository;
}

namespace pw::build {

/// Where the build context comes from.
enum class Source { commit, working_copy };

/// One image after `build`: what it is and whether it was built now.
struct BuiltImage {
  std::string name;        ///< image name in the spec
  std::string repository;  ///< registry repository
  std::string image_id;    ///< "sha256:…": the exact image later steps use
  std::vector<std::string> tags;
  std::string inputs;  ///< inputs key
  std::string commit;
  bool up_to_date = false;  ///< an image with the same inputs existed; nothing was built
  bool dirty = false;
  std::chrono::milliseconds duration{0};
  std::filesystem::path log;  ///< the build log (empty when up to date)
};

/// Receives progress; implemented by the CLI (printing) and by tests (recording).
class BuildReporter {
 public:
  virtual ~BuildReporter() = default;
  /// A build of image starts (it was not up to date).
  virtual void started(const std::string& image) = 0;
  /// One line of the build log of image.
  virtual void line(const std::string& image, std::string_view text) = 0;
  /// The image is ready (built or up to date).
  virtual void finished(const BuiltImage& image) = 0;
};

/// What to build.
struct BuildOptions {
  std::vector<std::string> images;  ///< names; empty: every image of the spec
  Source source = Source::commit;
  std::filesystem::path log_dir;  ///< where build logs are written
  const std::atomic<bool>* cancel = nullptr;
  /// The commit whose tree is built (any revspec); nullopt: HEAD. Only with Source::commit.
  std::optional<std::string> commit = std::nullopt;
};

/// The inputs key of image built from commit's tree (the label an up-to-date image carries);
/// throws SpecError when its Dockerfile or context is not in the commit.
std::string image_inputs_key(const spec::Image& image, git::Repository& repository,
                             const std::string& commit);

/// Builds images with a Docker engine from a git repository.
class ImageBuilder {
 public:
  ImageBuilder(const spec::Spec& spec, git::Repository& repository, docker::DockerEngine& engine,
               secret::SecretStore& secrets, BuildReporter& reporter);

  /// Builds (or finds up to date) each requested image; throws BuildError, SpecError,
  /// SecretError, InfrastructureError or GitError.
  std::vector<BuiltImage> build(const BuildOptions& options);

 private:
  struct Context;
  BuiltImage build_one(const spec::Image& image, Context& context, const BuildOptions& options);

  const spec::Spec& spec_;
  git::Repository& repository_;
  docker::DockerEngine& engine_;
  secret::SecretStore& secrets_;
  BuildReporter& reporter_;
};

}  // namespace pw::build
