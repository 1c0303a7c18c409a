#include "util/duration.hpp"

#include <cctype>
#include <cstdio>
#include <limits>

namespace pw {
namespace {

struct Unit {
  std::string_view suffix;
  long long millis;
};

// Longest suffix first so that "ms" is not read as "m" followed by garbage.
constexpr Unit k_units[] = {{"ms", 1}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}};

// Durations are kept in an int of milliseconds: a little over 596 hours.
constexpr long long k_max_millis = std::numeric_limits<int>::max();

std::string too_large() {
  return "longer than " + std::to_string(k_max_millis / 3'600'000) + "h, the longest allowed";
}

// Why rest, which follows the number, does not start with a unit.
std::string unit_problem(std::string_view rest, long long number) {
  const std::string after = " after '" + std::to_string(number) + "'";
  if (rest.empty())
    return "missing unit" + after + " (use h, m, s or ms)";
  if (rest.front() == '.')
    return "fractions are not supported; combine units instead, e.g. 1m30s";
  std::size_t end = 0;
  while (end < rest.size() && !std::isdigit(static_cast<unsigned char>(rest[end])))
    ++end;
  return "unknown unit '" + std::string(rest.substr(0, end)) + "'" + after + " (use h, m, s or ms)";
}

}  // namespace

Result<std::chrono::milliseconds, std::string> parse_duration(std::string_view text) {
  if (text.empty())
    return std::string("empty duration");
  long long total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
      return "expected a number at '" + std::string(text.substr(i)) + "'";
    }
    long long number = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      number = number * 10 + (text[i] - '0');
      if (number > k_max_millis)
        return too_large();
      ++i;
    }
    const Unit* unit = nullptr;
    for (const auto& candidate : k_units) {
      if (text.substr(i, candidate.suffix.size()) == candidate.suffix) {
        unit = &candidate;
        break;
      }
    }
    if (unit == nullptr)
      return unit_problem(text.substr(i), number);
    i += unit->suffix.size();
    total += number * unit->millis;
    if (total > k_max_millis)
      return too_large();
  }
  return std::chrono::milliseconds(total);
}

std::string format_duration(std::chrono::milliseconds d) {
  const long long ms = d.count();
  if (ms < 1000)
    return std::to_string(ms) + "ms";
  if (ms < 60'000) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1fs", static_cast<double>(ms) / 1000.0);
    return buffer;
  }
  const long long seconds = ms / 1000;
  std::string out;
  if (seconds >= 3600)
    out += std::to_string(seconds / 3600) + "h";
  if (seconds % 3600 >= 60)
    out += std::to_string((seconds % 3600) / 60) + "m";
  if (seconds % 60 != 0)
    out += std::to_string(seconds % 60) + "s";
  return out;
}

}  // namespace pw
