#include "util/glob.hpp"

#include <fnmatch.h>

#include <string>

namespace pw {

bool glob_match(std::string_view pattern, std::string_view name) {
  std::string p(pattern);
  const std::string n(name);
  // fnmatch has no '**'; a pattern that uses it lets every '*' cross '/', which is what
  // users mean by "release/**" while "feature/*" stays one level deep.
  int flags = FNM_PATHNAME;
  if (p.find("**") != std::string::npos) {
    flags = 0;
    std::string collapsed;
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (p[i] == '*' && i + 1 < p.size() && p[i + 1] == '*') continue;
      collapsed += p[i];
    }
    p = collapsed;
  }
  return ::fnmatch(p.c_str(), n.c_str(), flags) == 0;
}

}  // namespace pw
