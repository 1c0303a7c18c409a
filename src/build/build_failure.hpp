#pragma once

#include <deque>
#include <map>
#include <string>
#include <string_view>

namespace pw::build {

/// Follows a BuildKit plain-progress log and tells which step failed, with the last lines.
class FailureTracker {
 public:
  /// Feeds one log line.
  void observe(std::string_view line);
  /// "failed step: [test 3/4] RUN false" (when known), then the last lines of the log.
  std::string report() const;

 private:
  std::map<std::string, std::string> steps_;  // "#8" → "[test 3/4] RUN false"
  std::string failed_step_;
  std::deque<std::string> tail_;
};

}  // namespace pw::build
