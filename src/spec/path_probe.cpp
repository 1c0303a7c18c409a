#include "spec/path_probe.hpp"

#include <system_error>

namespace pw::spec {

DiskPathProbe::DiskPathProbe(std::filesystem::path root) {
  std::error_code ec;
  root_ = std::filesystem::canonical(root, ec);
  if (ec)
    root_ = std::filesystem::absolute(root).lexically_normal();
}

PathState DiskPathProbe::probe(std::string_view relative) const {
  auto it = seen_.find(std::string(relative));
  if (it == seen_.end())
    it = seen_.emplace(std::string(relative), probe_uncached(relative)).first;
  return it->second;
}

PathState DiskPathProbe::probe_uncached(std::string_view relative) const {
  namespace fs = std::filesystem;
  const fs::path given(relative);
  if (given.is_absolute())
    return PathState::escapes_repository;
  std::error_code ec;
  // weakly_canonical resolves every symlink of the existing prefix, so a link that points
  // outside the repository is caught even when its target exists.
  const fs::path resolved = fs::weakly_canonical(root_ / given, ec);
  if (ec)
    return PathState::missing;
  const fs::path inside = resolved.lexically_relative(root_);
  if (inside.empty() || *inside.begin() == "..")
    return PathState::escapes_repository;
  const fs::file_status status = fs::status(resolved, ec);
  if (ec || !fs::exists(status))
    return PathState::missing;
  return fs::is_directory(status) ? PathState::directory : PathState::file;
}

}  // namespace pw::spec
