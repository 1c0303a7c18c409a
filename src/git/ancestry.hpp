#pragma once

#include <string_view>

#include "core/result.hpp"
#include "git/failure.hpp"

namespace pw::git {

class Repository;

/// True when commit `descendant` is `ancestor` or has it in its history (both full oids or
/// revspecs naming commits).
Result<bool, GitFailure> contains_commit(const Repository& repository, std::string_view descendant,
                                         std::string_view ancestor);

}  // namespace pw::git
