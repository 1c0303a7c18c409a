#include <algorithm>
#include <cctype>

#include "spec/parse_sections.hpp"

namespace pw::spec {

bool check_name(YamlReader& reader, const std::string& name, SourcePos pos,
                const std::string& kind) {
  // Names end up in container names, labels and CI job names: keep them to safe characters.
  bool ok = !name.empty() && name.size() <= 63 && std::isalnum(static_cast<unsigned char>(name[0]));
  for (char c : name) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-');
  }
  if (!ok) {
    reader.error(pos, "invalid " + kind + " name '" + name + "'",
                 "use letters, digits, '_', '.' and '-', starting with a letter or digit, "
                 "at most 63 characters",
                 static_cast<int>(std::max<std::size_t>(name.size(), 1)));
  }
  return ok;
}

}  // namespace pw::spec
