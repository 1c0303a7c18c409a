#pragma once

#include <chrono>
#include <optional>
#include <string_view>

// When and how long to wait before retrying a registry request. Pure, so that the schedule
// is unit-tested without sleeping.

namespace pw::registry {

/// How often and how patiently a failed request is retried.
struct RetryPolicy {
  int max_attempts = 5;                         ///< total attempts, the first included (>= 1)
  std::chrono::milliseconds base_delay{500};    ///< wait after the first failure
  std::chrono::milliseconds max_delay{30'000};  ///< cap on any single wait, Retry-After too
};

/// True for statuses worth retrying: 429 and 5xx except 501/505 (which will not change).
/// Never 401/403/404: retrying cannot fix credentials or a missing image.
bool is_retryable_status(long http_status);

/// Parses a Retry-After value: delta-seconds ("120") or an HTTP-date ("Sun, 06 Nov 1994
/// 08:49:37 GMT", relative to now; a date in the past gives 0). nullopt when unparsable.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

/// The wait before attempt number failed_attempts + 1: base_delay * 2^(failed_attempts - 1),
/// or retry_after when the server sent one; both capped at policy.max_delay.
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int failed_attempts,
                                        std::optional<std::chrono::milliseconds> retry_after);

}  // namespace pw::registry
