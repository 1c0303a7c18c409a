#include "build/build_failure.hpp"

namespace pw::build {
namespace {

constexpr std::size_t k_tail_lines = 25;

// "#8 [test 3/4] RUN false" → {"#8", "[test 3/4] RUN false"}; other lines → {"", ""}.
std::pair<std::string, std::string_view> split_step(std::string_view line) {
  if (line.empty() || line[0] != '#')
    return {};
  const std::size_t space = line.find(' ');
  if (space == std::string_view::npos || space < 2)
    return {};
  for (std::size_t i = 1; i < space; ++i) {
    if (line[i] < '0' || line[i] > '9')
      return {};
  }
  return {std::string(line.substr(0, space)), line.substr(space + 1)};
}

}  // namespace

void FailureTracker::observe(std::string_view line) {
  tail_.emplace_back(line);
  if (tail_.size() > k_tail_lines)
    tail_.pop_front();
  auto [id, rest] = split_step(line);
  if (id.empty())
    return;
  if (!rest.empty() && rest[0] == '[' && !steps_.count(id))
    steps_[id] = std::string(rest);
  if (rest.substr(0, 6) == "ERROR:" && failed_step_.empty()) {
    auto step = steps_.find(id);
    failed_step_ = step != steps_.end() ? step->second : std::string(rest);
  }
}

std::string FailureTracker::report() const {
  std::string out;
  if (!failed_step_.empty())
    out += "failed step: " + failed_step_ + "\n";
  out += "last lines of the build log:\n";
  for (const auto& line : tail_)
    out += "  | " + line + "\n";
  return out;
}

}  // namespace pw::build
