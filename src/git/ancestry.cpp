#include "git/ancestry.hpp"

#include <git2.h>

#include "git/repository.hpp"

namespace pw::git {

Result<bool, GitFailure> contains_commit(const Repository& repository, std::string_view descendant,
                                         std::string_view ancestor) {
  auto child = repository.resolve(descendant);
  if (!child)
    return failure(std::move(child).error());
  auto parent = repository.resolve(ancestor);
  if (!parent)
    return failure(std::move(parent).error());
  if (child.value() == parent.value())
    return true;
  git_oid child_oid, parent_oid;
  if (git_oid_fromstr(&child_oid, child.value().c_str()) < 0 ||
      git_oid_fromstr(&parent_oid, parent.value().c_str()) < 0) {
    return failure(GitFailure{"not an object id: " + child.value() + " / " + parent.value()});
  }
  const int answer = git_graph_descendant_of(repository.native(), &child_oid, &parent_oid);
  if (answer < 0)
    return failure(GitFailure{"cannot tell whether " + child.value().substr(0, 12) + " contains " +
                              parent.value().substr(0, 12)});
  return answer == 1;
}

}  // namespace pw::git
