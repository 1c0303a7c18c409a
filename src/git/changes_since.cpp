#include "git/changes_since.hpp"

#include <git2/repository.h>

#include <string>

namespace pw::git {
namespace {

constexpr std::size_t k_short = 7;

std::string short_sha(const std::string& sha) {
  return sha.substr(0, k_short);
}

std::string files(std::size_t n) {
  return std::to_string(n) + (n == 1 ? " file" : " files");
}

std::string shallow_hint(const Repository& repository) {
  return is_shallow(repository)
             ? "; this is a shallow clone: fetch more history (git fetch --unshallow, or a "
               "deeper fetch-depth in CI)"
             : "";
}

}  // namespace

bool is_shallow(const Repository& repository) {
  return git_repository_is_shallow(repository.native()) == 1;
}

Result<ChangeSet, GitFailure> changes_since(const Repository& repository, std::string_view commit,
                                            std::string_view target) {
  auto head = repository.resolve(commit);
  if (!head)
    return failure(std::move(head).error());
  const std::string tip = head.value();
  const std::string target_text(target);
  auto base_commit = repository.resolve(target);
  if (!base_commit) {
    return ChangeSet::everything("'" + target_text + "' is not known here (" +
                                 base_commit.error().message + "): every job selected" +
                                 shallow_hint(repository));
  }
  auto base = repository.merge_base(tip, base_commit.value());
  if (!base) {
    return ChangeSet::everything("no merge base of " + short_sha(tip) + " and '" + target_text +
                                 "': every job selected" + shallow_hint(repository));
  }
  if (base.value() != tip) {
    auto paths = repository.changed_paths(base.value(), tip);
    if (!paths)
      return failure(std::move(paths).error());
    const std::size_t n = paths.value().size();
    return ChangeSet::listed(std::move(paths).value(), base.value(),
                             files(n) + " changed since " + short_sha(base.value()) +
                                 " (merge base with '" + target_text + "')");
  }
  // The commit is already on the target: what the commit itself changed.
  auto parent = repository.resolve(tip + "^");
  if (!parent) {
    return ChangeSet::everything(short_sha(tip) + " is on '" + target_text +
                                 "' and has no parent here: every job selected" +
                                 shallow_hint(repository));
  }
  auto paths = repository.changed_paths(parent.value(), tip);
  if (!paths)
    return failure(std::move(paths).error());
  const std::size_t n = paths.value().size();
  return ChangeSet::listed(std::move(paths).value(), parent.value(),
                           short_sha(tip) + " is already on '" + target_text + "': its own " +
                               files(n) + " changed against its parent " +
                               short_sha(parent.value()));
}

}  // namespace pw::git
