#include "spec/validate_checks.hpp"

namespace pw::spec {
namespace {

enum class Want { file, directory, any };

void check_path(const Located<std::string>& path, Want want, const std::string& kind,
                const std::string& owner, const PathProbe& probe, Diagnostics& diagnostics) {
  const std::string what = kind + " '" + path.value + "' of " + owner;
  const int span = static_cast<int>(std::max<std::size_t>(path.value.size(), 1));
  switch (probe.probe(path.value)) {
    case PathState::escapes_repository:
      diagnostics.error(path.pos, what + " is outside the repository",
                        "paths are relative to the repository root and may not leave it "
                        "(symlinks included)",
                        span);
      return;
    case PathState::missing:
      diagnostics.error(path.pos, what + " does not exist",
                        "paths are relative to the repository root", span);
      return;
    case PathState::file:
      if (want == Want::directory) {
        diagnostics.error(path.pos, what + " is a file, not a directory",
                          "name the directory the build starts from", span);
      }
      return;
    case PathState::directory:
      if (want == Want::file) {
        const std::string dir = path.value.ends_with('/') ? path.value : path.value + "/";
        diagnostics.error(path.pos, what + " is a directory, not a file",
                          "name the file itself, e.g. '" + dir + "Dockerfile'", span);
      }
      return;
  }
}

}  // namespace

void check_paths(const Spec& spec, const PathProbe& probe, Diagnostics& diagnostics) {
  for (const auto& image : spec.images) {
    const std::string owner = "image '" + image.name + "'";
    if (image.dockerfile.pos == image.pos) {
      // No 'dockerfile:' given: the default is reported at the image's name.
      if (probe.probe(image.dockerfile.value) != PathState::file) {
        diagnostics.error(
            image.pos,
            owner + " gives no 'dockerfile' and there is no '" + image.dockerfile.value + "' file",
            "the default is the Dockerfile at the top of the build context; add "
            "dockerfile: PATH (relative to the repository root)",
            static_cast<int>(image.name.size()));
      }
    } else {
      check_path(image.dockerfile, Want::file, "Dockerfile", owner, probe, diagnostics);
    }
    check_path(image.context, Want::directory, "build context", owner, probe, diagnostics);
    for (const auto& path : image.paths) {
      check_path(path, Want::any, "input path", owner, probe, diagnostics);
    }
  }
  for (const auto& job : spec.jobs) {
    for (const auto& path : job.paths) {
      check_path(path, Want::any, "input path", "job '" + job.name + "'", probe, diagnostics);
    }
  }
}

}  // namespace pw::spec
