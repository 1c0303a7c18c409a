#include "git/libgit2_runtime.hpp"

#include <git2/global.h>

#include <string>

namespace pw::git {
namespace {

/// Owns one reference on libgit2's global state for the life of the process.
class Libgit2Runtime {
 public:
  Libgit2Runtime() : init_result_(git_libgit2_init()) {
    if (init_result_ < 0) {
      failure_ = last_git_failure("initializing libgit2");
    }
  }
  ~Libgit2Runtime() {
    if (init_result_ >= 0) {
      git_libgit2_shutdown();
    }
  }
  Libgit2Runtime(const Libgit2Runtime&) = delete;
  Libgit2Runtime& operator=(const Libgit2Runtime&) = delete;

  bool ok() const { return init_result_ >= 0; }
  const GitFailure& failure() const { return failure_; }

 private:
  int init_result_;
  GitFailure failure_;
};

}  // namespace

Result<void, GitFailure> ensure_libgit2() {
  // A function-local static: initialized exactly once even under concurrent first calls,
  // destroyed at exit after every object constructed later (so after any Repository whose
  // construction needed it).
  static const Libgit2Runtime runtime;
  if (!runtime.ok()) {
    return failure(runtime.failure());
  }
  return success();
}

}  // namespace pw::git
