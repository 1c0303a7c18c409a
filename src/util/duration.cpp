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

}  // namespace

Result<std::chrono::milliseconds, std::string> parse_duration(std::string_view text) {
  if (text.empty()) return std::string("empty duration");
  long long total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
      return "expected a number at '" + std::string(text.substr(i)) + "'";
    }
    long long number = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      number = number * 10 + (text[i] - '0');
      if (number > 10'000'000) return std::string("duration is too large");
      ++i;
    }
    const Unit* unit = nullptr;
    for (const auto& candidate : k_units) {
      if (text.substr(i, candidate.suffix.size()) == candidate.suffix) {
        unit = &candidate;
        break;
      }
    }
    if (unit == nullptr) {
      return "missing unit after '" + std::to_string(number) + "' (use h, m, s or ms)";
    }
    i += unit->suffix.size();
    total += number * unit->millis;
    if (total > std::numeric_limits<int>::max()) return std::string("duration is too large");
  }
  return std::chrono::milliseconds(total);
}

std::string format_duration(std::chrono::milliseconds d) {
  const long long ms = d.count();
  if (ms < 1000) return std::to_string(ms) + "ms";
  if (ms < 60'000) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1fs", static_cast<double>(ms) / 1000.0);
    return buffer;
  }
  const long long seconds = ms / 1000;
  std::string out;
  if (seconds >= 3600) out += std::to_string(seconds / 3600) + "h";
  if (seconds % 3600 >= 60) out += std::to_string((seconds % 3600) / 60) + "m";
  if (seconds % 60 != 0) out += std::to_string(seconds % 60) + "s";
  return out;
}

}  // namespace pw
