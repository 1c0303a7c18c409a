#include "git/hooks_dir.hpp"

#include <git2/buffer.h>
#include <git2/config.h>
#include <git2/errors.h>
#include <git2/repository.h>

namespace pw::git {

Result<std::filesystem::path, GitFailure> hooks_dir(const Repository& repository) {
  git_config* raw_config = nullptr;
  if (git_repository_config_snapshot(&raw_config, repository.native()) < 0)
    return failure(
        last_git_failure("reading the configuration of " + repository.git_dir().string()));
  ConfigHandle config(raw_config);
  git_buf buf = GIT_BUF_INIT;
  const int rc = git_config_get_path(&buf, config.get(), "core.hooksPath");
  if (rc == 0) {
    std::filesystem::path configured(std::string(buf.ptr, buf.size));
    git_buf_dispose(&buf);
    if (configured.is_relative()) {
      configured =
          (repository.is_bare() ? repository.git_dir() : repository.workdir()) / configured;
    }
    return configured.lexically_normal();
  }
  git_buf_dispose(&buf);
  if (rc != GIT_ENOTFOUND)
    return failure(last_git_failure("reading core.hooksPath"));
  std::filesystem::path common(git_repository_commondir(repository.native()));
  return (common / "hooks").lexically_normal();
}

}  // namespace pw::git
