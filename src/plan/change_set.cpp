#include "plan/change_set.hpp"

#include <filesystem>

namespace pw {
namespace {

// "./src/" → "src", "." → "": the form git paths use.
std::string normal_prefix(std::string_view prefix) {
  std::string normal = std::filesystem::path(prefix).lexically_normal().generic_string();
  while (!normal.empty() && normal.back() == '/')
    normal.pop_back();
  return normal == "." ? "" : normal;
}

}  // namespace

ChangeSet ChangeSet::everything(std::string note) {
  ChangeSet changes;
  changes.scope = Scope::everything;
  changes.note = std::move(note);
  return changes;
}

ChangeSet ChangeSet::listed(std::vector<std::string> paths, std::string base, std::string note) {
  ChangeSet changes;
  changes.scope = Scope::listed;
  changes.paths = std::move(paths);
  changes.base = std::move(base);
  changes.note = std::move(note);
  return changes;
}

bool path_under(std::string_view file, std::string_view prefix) {
  const std::string p = normal_prefix(prefix);
  if (p.empty())
    return true;
  if (file.size() < p.size() || file.compare(0, p.size(), p) != 0)
    return false;
  return file.size() == p.size() || file[p.size()] == '/';
}

std::optional<PathMatch> first_change_under(const ChangeSet& changes,
                                            const std::vector<std::string>& prefixes) {
  std::optional<PathMatch> match;
  for (const auto& file : changes.paths) {
    for (const auto& prefix : prefixes) {
      if (!path_under(file, prefix))
        continue;
      if (!match)
        match = PathMatch{file, prefix, 0};
      ++match->count;
      break;
    }
  }
  return match;
}

}  // namespace pw
