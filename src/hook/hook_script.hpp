#pragma once

#include <string>
#include <string_view>

// The pre-push hook script `pipewright hook install` writes. Pure.

namespace pw::hook {

/// The line that marks a hook as pipewright's own (uninstall removes only such hooks).
inline constexpr std::string_view k_hook_marker = "# pipewright pre-push hook";

/// The script: runs `BINARY hook pre-push "$@"` with git's standard input, BINARY being the
/// absolute path recorded at install (single-quoted) or `pipewright` on PATH when that path is
/// no longer executable. spec_file, when not empty, is passed as `-f` (absolute).
std::string hook_script(const std::string& binary, const std::string& spec_file);

/// True when text is a hook this tool wrote.
bool is_pipewright_hook(std::string_view text);

/// text quoted for a POSIX shell: inside single quotes, each ' written as '\''.
std::string shell_quote(std::string_view text);

}  // namespace pw::hook
