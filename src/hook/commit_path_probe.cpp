#include "hook/commit_path_probe.hpp"

#include <filesystem>
#include <vector>

namespace pw::hook {
namespace {

// Splits a '/'-separated path, applying "." and ".."; false when ".." climbs above the top.
bool push_components(std::vector<std::string>& parts, std::string_view path) {
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos)
      end = path.size();
    const std::string_view part = path.substr(start, end - start);
    if (part == "..") {
      if (parts.empty())
        return false;
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.emplace_back(part);
    }
    start = end + 1;
  }
  return true;
}

std::string join(const std::vector<std::string>& parts, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i)
    out += (i ? "/" : "") + parts[i];
  return out;
}

}  // namespace

spec::PathState CommitPathProbe::probe(std::string_view relative) const {
  const std::string key(relative);
  if (auto it = seen_.find(key); it != seen_.end())
    return it->second;
  spec::PathState state = spec::PathState::missing;
  std::vector<std::string> parts;
  if (relative.empty() || relative.front() == '/' || !push_components(parts, relative)) {
    state = spec::PathState::escapes_repository;
  } else {
    // Walk component by component, following symlinks inside the tree (bounded, like ELOOP).
    int links = 0;
    std::size_t i = 0;
    state = spec::PathState::directory;  // the root
    while (i < parts.size()) {
      const git::TreeEntry entry = tree_.entry(join(parts, i + 1));
      if (entry.kind == git::TreeEntryKind::symlink) {
        if (++links > 40 || entry.symlink_target.empty() || entry.symlink_target.front() == '/') {
          state = spec::PathState::escapes_repository;
          break;
        }
        std::vector<std::string> resolved(parts.begin(), parts.begin() + static_cast<long>(i));
        if (!push_components(resolved, entry.symlink_target)) {
          state = spec::PathState::escapes_repository;
          break;
        }
        resolved.insert(resolved.end(), parts.begin() + static_cast<long>(i) + 1, parts.end());
        parts = std::move(resolved);
        i = 0;
        state = spec::PathState::directory;
        continue;
      }
      if (entry.kind == git::TreeEntryKind::missing ||
          entry.kind == git::TreeEntryKind::submodule) {
        state = spec::PathState::missing;
        break;
      }
      state = entry.kind == git::TreeEntryKind::file ? spec::PathState::file
                                                     : spec::PathState::directory;
      if (state == spec::PathState::file && i + 1 < parts.size()) {
        state = spec::PathState::missing;
        break;
      }
      ++i;
    }
  }
  seen_.emplace(key, state);
  return state;
}

}  // namespace pw::hook
