#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace pw {

/// Parses a duration such as "90s", "5m", "1h30m", "250ms" (units h, m, s, ms; at least one
/// unit; no sign). On failure returns the reason, e.g. "missing unit after '90'".
Result<std::chrono::milliseconds, std::string> parse_duration(std::string_view text);

/// Formats a duration compactly: "1h30m", "45s", "1.2s", "250ms".
std::string format_duration(std::chrono::milliseconds d);

}  // namespace pw
