#include "git/describe.hpp"

#include <git2.h>

#include "git/handle.hpp"

namespace pw::git {

std::optional<std::string> remote_url(const Repository& repository, const std::string& name) {
  git_remote* raw = nullptr;
  if (git_remote_lookup(&raw, repository.native(), name.c_str()) != 0)
    return std::nullopt;
  const RemoteHandle remote(raw);
  const char* url = git_remote_url(remote.get());
  if (url == nullptr)
    return std::nullopt;
  return std::string(url);
}

std::optional<std::string> describe(const Repository& repository, std::string_view commit) {
  git_object* raw_object = nullptr;
  if (git_revparse_single(&raw_object, repository.native(), std::string(commit).c_str()) != 0) {
    return std::nullopt;
  }
  const ObjectHandle object(raw_object);
  git_describe_options options;
  git_describe_options_init(&options, GIT_DESCRIBE_OPTIONS_VERSION);
  options.describe_strategy = GIT_DESCRIBE_TAGS;
  options.show_commit_oid_as_fallback = 1;
  git_describe_result* raw_result = nullptr;
  if (git_describe_commit(&raw_result, object.get(), &options) != 0)
    return std::nullopt;
  const DescribeResultHandle result(raw_result);
  git_describe_format_options format;
  git_describe_format_options_init(&format, GIT_DESCRIBE_FORMAT_OPTIONS_VERSION);
  format.abbreviated_size = 12;
  git_buf buffer = GIT_BUF_INIT;
  if (git_describe_format(&buffer, result.get(), &format) != 0)
    return std::nullopt;
  std::string out(buffer.ptr, buffer.size);
  git_buf_dispose(&buffer);
  return out;
}

}  // namespace pw::git
