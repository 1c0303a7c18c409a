#pragma once

#include <string>
#include <string_view>

// Tag names (the environments' git tags, e.g. "Staging", "Production"): validity is decided by
// libgit2 exactly as git decides it; only the human explanation is ours.

namespace pw::git {

/// True when `name` can be a tag: libgit2's git_tag_name_is_valid, i.e. "refs/tags/<name>"
/// passes git_reference_name_is_valid and the name does not start with '-' (the extra rule
/// `git tag` itself applies), plus refusing DEL (0x7f), the one control character libgit2 1.5
/// accepts and git does not. Agrees with `git tag <name>`.
bool is_valid_tag_name(std::string_view name);

/// Empty when the name is valid; otherwise a short reason for a diagnostic, e.g. "contains
/// '..'", "contains a space", "ends with '.lock'", "starts with '-'", "is empty".
std::string tag_name_problem(std::string_view name);

}  // namespace pw::git
