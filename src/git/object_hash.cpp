#include "git/object_hash.hpp"

#include <git2.h>

#include "git/libgit2_runtime.hpp"

namespace pw::git {

std::string hash_text(std::string_view text) {
  (void)ensure_libgit2();
  git_oid oid;
  if (git_odb_hash(&oid, text.data(), text.size(), GIT_OBJECT_BLOB) != 0) return {};
  char hex[GIT_OID_HEXSZ + 1] = {};
  git_oid_tostr(hex, sizeof hex, &oid);
  return hex;
}

}  // namespace pw::git
