#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "git/repository.hpp"

// Facts about a repository that label images: where its source lives and a version name.

namespace pw::git {

/// The URL of the named remote, or nullopt when there is no such remote.
std::optional<std::string> remote_url(const Repository& repository, const std::string& name);

/// `git describe --tags --always`-style name of a commit ("v1.2-3-gabc1234"), nullopt on
/// failure.
std::optional<std::string> describe(const Repository& repository, std::string_view commit);

}  // namespace pw::git
