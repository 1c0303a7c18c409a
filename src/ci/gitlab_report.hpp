#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "core/result.hpp"

// GitLab CI's native formats: collapsible log sections and the dotenv report
// (`artifacts:reports:dotenv`) that hands values such as the image digest to later jobs. Pure.

namespace pw::ci::gitlab {

/// The section marker GitLab folds on: ESC[0Ksection_start:TIME:NAME[collapsed=true]\rESC[0K
/// HEADER. name is reduced to GitLab's section name alphabet ([A-Za-z0-9_.-]); the header's
/// control characters are replaced.
std::string section_start(std::int64_t unix_time, std::string_view name, std::string_view header,
                          bool collapsed);

/// ESC[0Ksection_end:TIME:NAME\rESC[0K, closing the section of that (reduced) name.
std::string section_end(std::int64_t unix_time, std::string_view name);

/// Why values cannot go into a dotenv report.
struct DotenvError {
  std::string message;
};

/// The dotenv text for values: "NAME=VALUE" lines sorted by name. Fails naming the first entry
/// GitLab could not carry safely: a name outside [A-Z0-9_] or a value with characters outside
/// [A-Za-z0-9_.:/@+=-] (GitLab expands '$' in dotenv values and cannot carry newlines).
Result<std::string, DotenvError> dotenv(const std::map<std::string, std::string>& values);

}  // namespace pw::ci::gitlab
