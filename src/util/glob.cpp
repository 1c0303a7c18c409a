#include "util/glob.hpp"

#include <fnmatch.h>

#include <string>
#include <vector>

namespace pw {
namespace {

std::vector<std::string> segments(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = text.find('/', start);
    out.emplace_back(text.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos)
      return out;
    start = slash + 1;
  }
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view name) {
  // Segment by segment: a "**" segment matches any number of segments (none included), any
  // other segment is an fnmatch pattern over exactly one segment. Dynamic programming over
  // (pattern segment, name segment), so no input makes it exponential.
  const auto p = segments(pattern);
  const auto n = segments(name);
  std::vector<std::vector<char>> match(p.size() + 1, std::vector<char>(n.size() + 1, 0));
  match[p.size()][n.size()] = 1;
  for (std::size_t i = p.size(); i-- > 0;) {
    for (std::size_t j = n.size() + 1; j-- > 0;) {
      if (p[i] == "**") {
        match[i][j] = match[i + 1][j] || (j < n.size() && match[i][j + 1]);
      } else {
        match[i][j] =
            j < n.size() && match[i + 1][j + 1] && ::fnmatch(p[i].c_str(), n[j].c_str(), 0) == 0;
      }
    }
  }
  return match[0][0] != 0;
}

}  // namespace pw
