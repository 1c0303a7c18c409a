#pragma once

#include <string_view>

namespace pw {

/// Matches a branch or tag name against a pattern: '*' and '?' do not cross '/', '**'
/// matches any run of characters including '/', '[...]' is a character class.
bool glob_match(std::string_view pattern, std::string_view name);

}  // namespace pw
