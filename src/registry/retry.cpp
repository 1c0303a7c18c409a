#include "registry/retry.hpp"

#include <time.h>

#include <algorithm>
#include <charconv>
#include <string>

namespace pw::registry {

bool is_retryable_status(long http_status) {
  if (http_status == 429) {
    return true;
  }
  return http_status >= 500 && http_status <= 599 && http_status != 501 && http_status != 505;
}

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r')) {
    value.remove_suffix(1);
  }
  if (value.empty()) {
    return std::nullopt;
  }
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    long long seconds = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc::result_out_of_range) {
      // Absurdly large: the cap in backoff_delay bounds it anyway.
      return std::chrono::milliseconds(std::chrono::hours(24));
    }
    if (ec != std::errc() || end != value.data() + value.size()) {
      return std::nullopt;
    }
    return std::chrono::milliseconds(std::min<long long>(seconds, 86'400) * 1000);
  }
  std::string text(value);
  struct tm tm {};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') {
    return std::nullopt;
  }
  time_t when = timegm(&tm);
  if (when == static_cast<time_t>(-1)) {
    return std::nullopt;
  }
  auto delta = std::chrono::system_clock::from_time_t(when) - now;
  if (delta <= std::chrono::system_clock::duration::zero()) {
    return std::chrono::milliseconds(0);
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(delta);
}

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int failed_attempts,
                                        std::optional<std::chrono::milliseconds> retry_after) {
  if (retry_after) {
    return std::min(*retry_after, policy.max_delay);
  }
  std::chrono::milliseconds delay = policy.base_delay;
  // Doubling stops at the cap, so no overflow however many attempts are configured.
  for (int i = 1; i < failed_attempts && delay < policy.max_delay; ++i) {
    delay *= 2;
  }
  return std::min(delay, policy.max_delay);
}

}  // namespace pw::registry
