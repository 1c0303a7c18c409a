#pragma once

#include <string>
#include <string_view>
#include <vector>

// Branch and tag patterns of the spec's flows (util/glob.hpp semantics) translated for CI
// systems: an exact regular expression for GitLab's `rules: if:`, and a superset filter for
// GitHub Actions' `on.push` (whose jobs then decide exactly, from `pipewright plan`).

namespace pw::ci {

/// The anchored regular expression matching exactly the names glob_match(pattern, name)
/// matches, in the syntax RE2 and JavaScript share, with every '/' escaped so that it can sit
/// between the slashes of a GitLab `/.../` literal. Throws SpecError for a character class
/// such as [[:foo:]] that it cannot translate.
std::string glob_to_regex(std::string_view pattern);

/// GitHub Actions filter patterns that together match at least every name the glob matches
/// (segments GitHub's syntax cannot say exactly are widened to `*` or `**`).
std::vector<std::string> glob_to_github_filters(std::string_view pattern);

}  // namespace pw::ci
