#pragma once

#include <string_view>

namespace pw {

/// Matches a branch or tag name against a pattern, one '/'-separated segment at a time: '*',
/// '?' and '[...]' stay within a segment; a whole "**" segment matches any number of segments,
/// none included ("release/**" matches "release/1/rc" and "release").
bool glob_match(std::string_view pattern, std::string_view name);

}  // namespace pw
