#include "git/object_hash.hpp"

#include <git2.h>

#include <stdexcept>

#include "git/libgit2_runtime.hpp"

namespace pw::git {

std::string hash_text(std::string_view text) {
  // Hashing needs no repository, but libgit2 must be initialised; failing that, it is a bug.
  if (!ensure_libgit2())
    throw std::logic_error("libgit2 could not be initialised");
  git_oid oid;
  if (git_odb_hash(&oid, text.data(), text.size(), GIT_OBJECT_BLOB) != 0)
    return {};
  char hex[GIT_OID_HEXSZ + 1] = {};
  git_oid_tostr(hex, sizeof hex, &oid);
  return hex;
}

}  // namespace pw::git
