#include "util/edit_distance.hpp"

#include <algorithm>
#include <numeric>

namespace pw {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment: a swapped pair of letters ("imgae") is one typo, not two.
  // Three rows of the dynamic-programming table are enough.
  std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  std::iota(previous.begin(), previous.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::optional<std::string> closest_match(std::string_view name,
                                         const std::vector<std::string>& candidates) {
  // Typos are suggested for names of a sane length only: two hostile megabyte-long names
  // would otherwise cost a trillion steps.
  if (name.size() > k_max_suggested_length)
    return std::nullopt;
  const std::size_t limit = std::min<std::size_t>(3, (name.size() + 2) / 3);
  std::optional<std::string> best;
  std::size_t best_distance = limit + 1;
  for (const auto& candidate : candidates) {
    // The lengths alone bound the distance from below: skip hopeless candidates cheaply.
    const std::size_t gap = candidate.size() > name.size() ? candidate.size() - name.size()
                                                           : name.size() - candidate.size();
    if (gap >= best_distance)
      continue;
    const std::size_t d = edit_distance(name, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

}  // namespace pw
