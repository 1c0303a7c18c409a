#pragma once

#include <string>
#include <string_view>

namespace pw::git {

/// The git blob id (SHA-1, hex) of text: a stable content key, as `git hash-object --stdin`.
std::string hash_text(std::string_view text);

}  // namespace pw::git
