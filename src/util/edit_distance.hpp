#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pw {

/// Edit distance between two strings: insertions, deletions, substitutions and swaps of two
/// adjacent characters each count one (optimal string alignment).
std::size_t edit_distance(std::string_view a, std::string_view b);

/// Names longer than this get no suggestion.
inline constexpr std::size_t k_max_suggested_length = 256;

/// The candidate closest to name when it is close enough to be a plausible typo
/// (distance at most a third of the name, rounded up, and at most 3); nullopt for names
/// longer than k_max_suggested_length.
std::optional<std::string> closest_match(std::string_view name,
                                         const std::vector<std::string>& candidates);

}  // namespace pw
